package io.github.mqexamples.kafka.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class StrictUtf8Test {

    @Test
    void textIsDecoded() throws Exception {
        assertEquals("Hello Kafka! #1", StrictUtf8.decode("Hello Kafka! #1".getBytes(StandardCharsets.UTF_8)));
        assertEquals("grüße, 東京", StrictUtf8.decode("grüße, 東京".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aRealReplacementCharacterIsText() throws Exception {
        assertEquals("a\uFFFDb", StrictUtf8.decode("a\uFFFDb".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void bytesThatAreNotUtf8AreAnError() {
        assertThrows(CharacterCodingException.class, () -> StrictUtf8.decode(new byte[] {'a', (byte) 0xC3}));
        assertThrows(CharacterCodingException.class, () -> StrictUtf8.decode(new byte[] {(byte) 0xFF, (byte) 0xFE}));
    }

    @Test
    void noValueStaysNoValue() throws Exception {
        assertNull(StrictUtf8.decode(null)); // a tombstone
    }

    @Test
    void theDecodedRecordKeepsItsCoordinatesAndHeaders() {
        ConsumerRecord<String, byte[]> raw = new ConsumerRecord<>("t", 2, 7, "k", new byte[] {'v'});
        raw.headers().add("h", new byte[] {1});
        ConsumerRecord<String, String> decoded = StrictUtf8.withValue(raw, "v");
        assertEquals("t-2@7 k=v h", decoded.topic() + "-" + decoded.partition() + "@" + decoded.offset() + " "
                + decoded.key() + "=" + decoded.value() + " " + decoded.headers().lastHeader("h").key());
    }

    @Test
    void checkingAcceptsWhatDecodingAcceptsAndRefusesWhatItRefuses() throws Exception {
        for (String text : new String[] {"", "a", "Hello Kafka! #1", "Hello Kafka! #1".repeat(70), "grüße, 東京",
                "ascii for more than eight bytes, then ü", "a\uFFFDb"}) {
            StrictUtf8.check(text.getBytes(StandardCharsets.UTF_8));
        }
        StrictUtf8.check(null);
        byte[] longAsciiThenBad = ("x".repeat(100) + "y").getBytes(StandardCharsets.UTF_8);
        longAsciiThenBad[100] = (byte) 0xC3; // a lead byte with nothing after it
        for (byte[] bad : new byte[][] {{'a', (byte) 0xC3}, {(byte) 0xFF, (byte) 0xFE}, longAsciiThenBad,
                {'1', '2', '3', '4', '5', '6', '7', '8', (byte) 0x80}}) {
            assertThrows(CharacterCodingException.class, () -> StrictUtf8.check(bad));
        }
    }
}
