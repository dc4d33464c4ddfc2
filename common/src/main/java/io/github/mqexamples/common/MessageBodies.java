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

    /**
     * The same bodies as {@link #numbered}, for a producer that sends many: what is the same in every body (the
     * message, " #", the padding dots) is encoded once, and each body is a copy of that with its number written in.
     * One array per body, no String, no encoding. A body the template does not fit (the number would reach past
     * {@code size}, or the message is cut) is built by {@link #numbered} instead.
     */
    public static final class Numbered {
        private final String message;
        private final int count;
        private final int size;
        private final byte[] template; // the message and " #" in UTF-8, then dots up to size (if size is given)
        private final int numberAt; // where the number goes in the template

        public Numbered(String message, int count, int size) {
            this.message = message;
            this.count = count;
            this.size = size;
            byte[] prefix = (count == 1 ? message : message + " #").getBytes(StandardCharsets.UTF_8);
            this.numberAt = prefix.length;
            this.template = size > 0 ? Arrays.copyOf(prefix, Math.max(size, prefix.length)) : prefix;
            Arrays.fill(template, prefix.length, template.length, (byte) '.');
        }

        /** Body {@code number}: equal to {@code MessageBodies.numbered(message, number, count, size)}. */
        public byte[] body(int number) {
            if (count == 1 || number < 0) {
                return numbered(message, number, count, size);
            }
            int digits = AsciiNumbers.digits(number);
            if (size == 0) {
                byte[] body = Arrays.copyOf(template, numberAt + digits);
                AsciiNumbers.write(number, body, numberAt, digits);
                return body;
            }
            if (numberAt + digits > size) {
                return numbered(message, number, count, size); // cut: only whole characters
            }
            byte[] body = template.clone();
            AsciiNumbers.write(number, body, numberAt, digits);
            return body;
        }
    }
}
