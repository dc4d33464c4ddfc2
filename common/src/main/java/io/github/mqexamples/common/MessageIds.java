package io.github.mqexamples.common;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Unique message ids, in the familiar UUID form. {@code UUID.randomUUID()} draws from SecureRandom, which is
 * synchronised and slow enough to show in a producer sending 100,000 messages a second; an id only needs to be
 * unique, not unpredictable, so ThreadLocalRandom fills the 122 random bits of a version-4 UUID. Its generator
 * (64 bits of state per thread, seeded from the clocks when the process starts) repeats an id of another process
 * only if the two sequences overlap: odds of about (ids per process) / 2^64, one in 10^13 for a million each.
 */
public final class MessageIds {

    private MessageIds() {
    }

    public static String next() {
        return new String(nextBytes(), StandardCharsets.US_ASCII);
    }

    /**
     * The same kind of id as {@link #next()}, as the 36 ASCII bytes of its text: what a Kafka header holds. Written
     * straight from the two random numbers, with no UUID, String or encoding in between.
     */
    public static byte[] nextBytes() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        byte[] out = new byte[36];
        hex(high >>> 32, out, 0, 8);
        out[8] = '-';
        hex(high >>> 16, out, 9, 4);
        out[13] = '-';
        hex(high, out, 14, 4);
        out[18] = '-';
        hex(low >>> 48, out, 19, 4);
        out[23] = '-';
        hex(low, out, 24, 12);
        return out;
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** The lowest {@code digits} hex digits of {@code value}, lowercase, into {@code out} from {@code at}. */
    private static void hex(long value, byte[] out, int at, int digits) {
        for (int i = at + digits - 1; i >= at; i--) {
            out[i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
    }
}
