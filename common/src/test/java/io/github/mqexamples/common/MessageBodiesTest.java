package io.github.mqexamples.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageBodiesTest {

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void aSingleMessageIsNotNumbered() {
        assertEquals("Hello World!", text(MessageBodies.numbered("Hello World!", 1, 1, 0)));
    }

    @Test
    void severalAreNumberedFromOne() {
        assertEquals("Hello Kafka! #1", text(MessageBodies.numbered("Hello Kafka!", 1, 3, 0)));
        assertEquals("Hello Kafka! #3", text(MessageBodies.numbered("Hello Kafka!", 3, 3, 0)));
    }

    @Test
    void aSizePadsWithDotsOrCuts() {
        assertEquals("abc.....", text(MessageBodies.numbered("abc", 1, 1, 8)));
        assertEquals("ab", text(MessageBodies.numbered("abc", 1, 1, 2)));
        assertEquals("x #2", text(MessageBodies.numbered("x", 2, 2, 4)));
    }

    @Test
    void aCutNeverSplitsACharacter() {
        // "é" is two bytes: three bytes hold "a" and "é"; two hold "a" and a dot, not half an "é".
        assertEquals("aé", text(MessageBodies.numbered("aéb", 1, 1, 3)));
        assertEquals("a.", text(MessageBodies.numbered("aéb", 1, 1, 2)));
        assertEquals(2, MessageBodies.numbered("aéb", 1, 1, 2).length);
    }
}
