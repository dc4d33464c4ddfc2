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

    @Test
    void theTemplateBuildsExactlyTheSameBodiesAsNumbered() {
        // Every case of numbered(): one message, several, padded, exact fit, numbers growing past the size, a cut
        // through a multi-byte character.
        for (String message : new String[] {"Hello Kafka!", "x", "grüße 東京", ""}) {
            for (int count : new int[] {1, 3, 1_000_000}) {
                for (int size : new int[] {0, 1, 4, 9, 15, 16, 17, 18, 1000}) {
                    MessageBodies.Numbered bodies = new MessageBodies.Numbered(message, count, size);
                    for (int number : new int[] {1, 2, 9, 10, 99, 100, 12345, 999_999, 1_000_000}) {
                        assertEquals(text(MessageBodies.numbered(message, number, count, size)),
                                text(bodies.body(number)), message + " #" + number + " of " + count + ", size " + size);
                        assertEquals(MessageBodies.numbered(message, number, count, size).length,
                                bodies.body(number).length);
                    }
                }
            }
        }
    }

    @Test
    void eachTemplateBodyIsAnArrayOfItsOwn() {
        MessageBodies.Numbered bodies = new MessageBodies.Numbered("m", 10, 8);
        byte[] first = bodies.body(1);
        bodies.body(2);
        assertEquals("m #1....", text(first));
    }
}
