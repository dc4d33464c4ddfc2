package io.github.mqexamples.common;

/**
 * Numbers written into and read from headers as ASCII decimal digits ("1764645600123456"), straight between a long
 * and bytes: a Kafka header value is bytes, and going through a String would allocate it and its bytes once more
 * for every record.
 */
public final class AsciiNumbers {

    private AsciiNumbers() {
    }

    /** {@code value} in decimal, as ASCII bytes: what {@code Long.toString(value).getBytes(US_ASCII)} gives. */
    public static byte[] decimal(long value) {
        if (value == Long.MIN_VALUE) {
            return Long.toString(value).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        long rest = Math.abs(value);
        int digits = 1;
        for (long t = rest; t >= 10; t /= 10) {
            digits++;
        }
        int length = value < 0 ? digits + 1 : digits;
        byte[] out = new byte[length];
        for (int i = length - 1; i >= length - digits; i--) {
            out[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        if (value < 0) {
            out[0] = '-';
        }
        return out;
    }

    /**
     * The decimal number in {@code bytes} (what {@link Long#parseLong} reads), or {@code absent} when they are null
     * or anything else: a header someone else wrote is treated as missing rather than failing the record.
     */
    public static long parse(byte[] bytes, long absent) {
        if (bytes == null || bytes.length == 0) {
            return absent;
        }
        boolean negative = bytes[0] == '-';
        int from = negative ? 1 : 0;
        if (bytes.length == from || bytes.length - from > 18) { // up to 18 digits cannot overflow a long
            try {
                return Long.parseLong(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1));
            } catch (NumberFormatException e) {
                return absent;
            }
        }
        long value = 0;
        for (int i = from; i < bytes.length; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9) {
                return absent;
            }
            value = value * 10 + digit;
        }
        return negative ? -value : value;
    }
}
