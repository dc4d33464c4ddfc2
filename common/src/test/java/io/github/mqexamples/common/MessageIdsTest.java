package io.github.mqexamples.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MessageIdsTest {

    @Test
    void theBytesAreTheTextOfAVersion4UuidInLowercase() {
        for (int i = 0; i < 10_000; i++) {
            String id = new String(MessageIds.nextBytes(), StandardCharsets.US_ASCII);
            UUID uuid = UUID.fromString(id);
            assertEquals(uuid.toString(), id, "canonical lowercase form");
            assertEquals(4, uuid.version());
            assertEquals(2, uuid.variant());
        }
    }

    @Test
    void idsDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            assertTrue(seen.add(new String(MessageIds.nextBytes(), StandardCharsets.US_ASCII)));
            assertTrue(seen.add(MessageIds.next()));
        }
    }

    @Test
    void theTextFormIsAVersion4UuidToo() {
        UUID uuid = UUID.fromString(MessageIds.next());
        assertEquals(4, uuid.version());
        assertEquals(2, uuid.variant());
    }
}
