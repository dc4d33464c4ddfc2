package io.github.mqexamples.common;

import java.nio.charset.StandardCharsets;

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
            return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
        }
        long rest = Math.abs(value);
        int sign = value < 0 ? 1 : 0;
        int digits = digits(rest);
        byte[] out = new byte[sign + digits];
        if (sign == 1) {
            out[0] = '-';
        }
        write(rest, out, sign, digits);
        return out;
    }

    /** How many decimal digits {@code value} (0 or more) has. */
    static int digits(long value) {
        int digits = 1;
        for (long rest = value; rest >= 10; rest /= 10) {
            digits++;
        }
        return digits;
    }

    /** Writes the {@code digits} decimal digits of {@code value} (0 or more) into {@code out} from {@code at}. */
    static void write(long value, byte[] out, int at, int digits) {
        for (int i = at + digits - 1; i >= at; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
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
                return Long.parseLong(new String(bytes, StandardCharsets.ISO_8859_1));
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
