package io.github.mqexamples.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeduplicatorTest {

    @Test
    void anIdMarkedDoneIsADuplicateAndANullIdNeverIs() {
        Deduplicator done = new Deduplicator(10);
        String uuid = MessageIds.next();
        assertFalse(done.alreadyDone(uuid));
        assertFalse(done.alreadyDone("order-42"));
        done.markDone(uuid);
        done.markDone("order-42");
        done.markDone(null);
        assertTrue(done.alreadyDone(uuid));
        assertTrue(done.alreadyDone("order-42"));
        assertFalse(done.alreadyDone(null));
        assertEquals(2, done.size());
    }

    @Test
    void onlyTheCanonicalLowercaseFormIsTakenForANumberSoDifferentSpellingsStayDifferentIds() {
        String uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
        assertTrue(Deduplicator.isCanonicalUuid(uuid));
        assertFalse(Deduplicator.isCanonicalUuid(uuid.toUpperCase()));
        assertFalse(Deduplicator.isCanonicalUuid("1-2-3-4-5")); // UUID.fromString accepts it
        assertFalse(Deduplicator.isCanonicalUuid("0f8fad5b-d9cb-469f-a165-70867728950"));
        assertFalse(Deduplicator.isCanonicalUuid("0f8fad5bxd9cb-469f-a165-70867728950e"));

        Deduplicator done = new Deduplicator(10);
        done.markDone(uuid);
        assertTrue(done.alreadyDone(uuid));
        assertFalse(done.alreadyDone(uuid.toUpperCase()), "another string, another id");
        assertFalse(done.alreadyDone("00000001-0002-0003-0004-000000000005"));
        assertFalse(done.alreadyDone("1-2-3-4-5"));
    }

    @Test
    void aUuidIsReadAsTheNumberItSpells() {
        Deduplicator done = new Deduplicator(10);
        UUID uuid = new UUID(0x0123456789abcdefL, 0xfedcba9876543210L);
        done.markDone(uuid.toString());
        assertTrue(done.alreadyDone("01234567-89ab-cdef-fedc-ba9876543210"));
        assertFalse(done.alreadyDone("01234567-89ab-cdef-fedc-ba9876543211"));
    }

    /** The window against a plain model (insertion-ordered set, oldest out) over many random operations. */
    @Test
    void forgetsExactlyTheOldestIdsOnceFullWhateverTheOrderOfOperations() {
        Random random = new Random(42);
        for (int capacity : new int[] {1, 2, 3, 7, 64, 1000}) {
            Deduplicator done = new Deduplicator(capacity);
            LinkedHashSet<String> model = new LinkedHashSet<>();
            List<String> seen = new ArrayList<>();
            for (int step = 0; step < 20_000; step++) {
                // Often an id seen before (maybe forgotten by now), sometimes a new one; UUIDs and other ids.
                String id;
                if (!seen.isEmpty() && random.nextInt(3) > 0) {
                    id = seen.get(seen.size() - 1 - random.nextInt(Math.min(seen.size(), 3 * capacity)));
                } else {
                    id = random.nextInt(10) == 0 ? "order-" + step : new UUID(random.nextLong(), random.nextLong()).toString();
                    seen.add(id);
                }
                assertEquals(model.contains(id), done.alreadyDone(id), "capacity " + capacity + ", step " + step);
                if (random.nextBoolean()) {
                    done.markDone(id);
                    if (model.add(id)) {
                        trimOldest(model, capacity, id);
                    }
                }
            }
        }
    }

    /** Two windows, one per kind of id, each bounded by the capacity; the model mirrors that. */
    private static void trimOldest(LinkedHashSet<String> model, int capacity, String added) {
        boolean uuid = Deduplicator.isCanonicalUuid(added);
        long sameKind = model.stream().filter(id -> Deduplicator.isCanonicalUuid(id) == uuid).count();
        if (sameKind > capacity) {
            model.stream().filter(id -> Deduplicator.isCanonicalUuid(id) == uuid).findFirst().ifPresent(model::remove);
        }
    }

    @Test
    void aFullWindowKeepsItsSize() {
        Deduplicator done = new Deduplicator(100);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String id = MessageIds.next();
            ids.add(id);
            done.markDone(id);
        }
        assertEquals(100, done.size());
        assertFalse(done.alreadyDone(ids.get(899)));
        for (String recent : ids.subList(900, 1000)) {
            assertTrue(done.alreadyDone(recent));
        }
    }

    @Test
    void anIdAsBytesIsTheSameIdAsItsText() {
        Deduplicator done = new Deduplicator(10);
        String uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
        done.markDoneUtf8(uuid.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(done.alreadyDone(uuid));
        done.markDone("order-7");
        assertTrue(done.alreadyDoneUtf8("order-7".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        // Other spellings of the same number are other ids, as with text.
        assertFalse(done.alreadyDoneUtf8(uuid.toUpperCase().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        assertFalse(done.alreadyDoneUtf8(null));
        assertFalse(done.alreadyDoneUtf8("0f8fad5b-d9cb-469f-a165-70867728950\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(2, done.size());
    }

    @Test
    void everyUuidAsBytesIsFoundAsTextAndEveryOtherSpellingIsAnotherId() {
        Deduplicator done = new Deduplicator(20_000);
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            String id = new UUID(random.nextLong(), random.nextLong()).toString();
            done.markDoneUtf8(id.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertTrue(done.alreadyDone(id), id);
            // One character changed to something that is not a lowercase hex digit: a different id, not yet done.
            char[] other = id.toCharArray();
            int at = random.nextInt(36);
            if (other[at] != '-') {
                other[at] = "AFgz/:@`".charAt(random.nextInt(8));
                assertFalse(done.alreadyDoneUtf8(new String(other).getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                        new String(other));
            }
        }
        assertEquals(5_000, done.size());
    }
}
