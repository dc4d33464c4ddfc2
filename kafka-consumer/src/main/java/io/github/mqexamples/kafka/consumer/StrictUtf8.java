package io.github.mqexamples.kafka.consumer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Record values arrive as bytes and are decoded here, strictly: a value that is not UTF-8 text is one bad record
 * to dead-letter. A StringDeserializer would garble it silently into U+FFFD characters (and a stricter
 * deserializer would make poll() throw, stalling the partition on that record).
 */
final class StrictUtf8 {

    private StrictUtf8() {
    }

    /** The text of {@code bytes} (null stays null); malformed bytes are an error, not replacement characters. */
    static String decode(byte[] bytes) throws CharacterCodingException {
        if (bytes == null) {
            return null;
        }
        // Fast path: the String constructor decodes valid UTF-8 (and plain ASCII above all) quickly, but turns
        // malformed bytes into U+FFFD silently. Only when a U+FFFD shows up is the value decoded again, strictly,
        // to tell a real U+FFFD from bytes that are not UTF-8 at all.
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') < 0) {
            return text;
        }
        return strictly(bytes);
    }

    /**
     * Checks that {@code bytes} are UTF-8 text (null passes) without decoding them into a String: for a consumer
     * that does not read the text, which would otherwise copy every value once more. Plain ASCII, the usual case,
     * is checked eight bytes at a time (no byte has its top bit set); anything else goes through the strict decoder.
     */
    static void check(byte[] bytes) throws CharacterCodingException {
        if (bytes == null) {
            return;
        }
        int i = 0;
        for (; i + Long.BYTES <= bytes.length; i += Long.BYTES) {
            if (((long) LONGS.get(bytes, i) & 0x8080808080808080L) != 0) {
                strictly(bytes);
                return;
            }
        }
        for (; i < bytes.length; i++) {
            if (bytes[i] < 0) {
                strictly(bytes);
                return;
            }
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private static String strictly(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
    }

    /** The record as the processor sees it: the same coordinates, key and headers, with its decoded value. */
    static ConsumerRecord<String, String> withValue(ConsumerRecord<String, byte[]> raw, String value) {
        return new ConsumerRecord<>(raw.topic(), raw.partition(), raw.offset(), raw.timestamp(), raw.timestampType(),
                raw.serializedKeySize(), raw.serializedValueSize(), raw.key(), value, raw.headers(), raw.leaderEpoch(),
                raw.deliveryCount());
    }
}
