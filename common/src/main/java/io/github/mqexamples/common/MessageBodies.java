package io.github.mqexamples.common;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The bodies the producers send: the message, numbered when there are several, padded to a size if asked. */
public final class MessageBodies {

    private MessageBodies() {
    }

    /**
     * Message {@code number} of {@code count} as UTF-8: "Hello World! #1", "Hello World! #2", ... (just the message
     * when only one is sent), padded with dots or cut to {@code size} bytes when a size is given (0 = as it is).
     * A cut never splits a character in two: the body stays valid UTF-8 for a consumer that decodes strictly.
     */
    public static byte[] numbered(String message, int number, int count, int size) {
        String text = count == 1 ? message : message + " #" + number;
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (size == 0 || size == bytes.length) {
            return bytes;
        }
        byte[] sized = new byte[size];
        Arrays.fill(sized, (byte) '.');
        if (size > bytes.length) {
            System.arraycopy(bytes, 0, sized, 0, bytes.length);
        } else {
            // Encode only the whole characters that fit; the rest of the size is dots.
            CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
            encoder.encode(CharBuffer.wrap(text), ByteBuffer.wrap(sized), true);
        }
        return sized;
    }
}
