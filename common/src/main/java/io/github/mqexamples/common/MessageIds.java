package io.github.mqexamples.common;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Unique message ids, in the familiar UUID form. {@code UUID.randomUUID()} draws from SecureRandom, which is
 * synchronised and slow enough to show in a producer sending 100,000 messages a second; an id only needs to be
 * unique, not unpredictable, so 122 random bits from ThreadLocalRandom do.
 */
public final class MessageIds {

    private MessageIds() {
    }

    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(high, low).toString();
    }
}
