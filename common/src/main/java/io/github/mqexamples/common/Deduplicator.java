package io.github.mqexamples.common;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the ids of the last {@code capacity} messages whose effect was applied (of each kind of id, below),
 * so that a message delivered twice (redelivery after a crash, a producer re-sending after a lost confirm) is
 * applied once.
 *
 * <p>Bounded on purpose: an unbounded set grows forever. A duplicate arrives soon after the original (within
 * a redelivery or a retry), so remembering the recent ids is enough; size it above the number of messages that
 * can be in flight. It lives in memory, so it forgets on restart: a real service keeps the ids where it
 * applies the effect (a unique key in its database, in the same transaction).
 *
 * <p>Why not simply a {@code LinkedHashMap<String, Boolean>}: at 200,000 messages a second every id it holds
 * lives about half a second, long enough for the garbage collector to copy it (an entry, a String, its bytes)
 * from generation to generation: 668 ms of GC pauses per million Kafka records, a 58 MB live set. So the ids in
 * the usual form, the lowercase UUID our producers send, are kept as the two numbers they are, in flat arrays
 * allocated once: no object per id, nothing for the collector to copy (159 ms of pauses, 23 MB). What remains
 * is two cache misses per message (the lookup of a new id, the removal of the oldest): about half of the Kafka
 * consumer's per-record cost in a profile; see docs/benchmarks.md. Any other id (a producer with ids of its own)
 * goes to a LinkedHashMap, exactly as before. Both are exact: no hashing of ids into fingerprints that could
 * collide and make a new message look like a duplicate.
 */
public final class Deduplicator {

    /**
     * Ids a consumer remembers: far more than can be in flight at once (a RabbitMQ prefetch, a Kafka poll and its
     * retries), so a message delivered again after a lost ack or commit is still recognised.
     */
    public static final int DEFAULT_CAPACITY = 100_000;

    private final UuidWindow uuids;
    private final Map<String, Boolean> others;

    public Deduplicator(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.uuids = new UuidWindow(capacity);
        this.others = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True if {@code id} was already marked done; a null id (no message id) is never a duplicate. */
    public synchronized boolean alreadyDone(String id) {
        if (id == null) {
            return false;
        }
        return parsed(id) ? uuids.contains(high, low) : others.containsKey(id);
    }

    /** The id {@link #high} and {@link #low} were parsed from: markDone after alreadyDone does not parse again. */
    private Object lastParsed;

    /** Marks {@code id} as applied, after its effect has happened. */
    public synchronized void markDone(String id) {
        if (id == null) {
            return;
        }
        if (parsed(id)) {
            uuids.add(high, low);
        } else {
            others.put(id, Boolean.TRUE);
        }
    }

    /**
     * {@link #alreadyDone(String)} for an id as the UTF-8 bytes of its text, as a Kafka header holds it: the usual form is
     * read straight into its two numbers, with no String made for it.
     */
    public synchronized boolean alreadyDoneUtf8(byte[] id) {
        if (id == null) {
            return false;
        }
        return parsed(id) ? uuids.contains(high, low) : others.containsKey(text(id));
    }

    /** {@link #markDone(String)} for an id as the bytes of its text. */
    public synchronized void markDoneUtf8(byte[] id) {
        if (id == null) {
            return;
        }
        if (parsed(id)) {
            uuids.add(high, low);
        } else {
            others.put(text(id), Boolean.TRUE);
        }
    }

    private static String text(byte[] id) {
        return new String(id, StandardCharsets.UTF_8);
    }

    public synchronized int size() {
        return uuids.size() + others.size();
    }

    static boolean isCanonicalUuid(String id) {
        return new Deduplicator(1).parsed(id);
    }

    /** The last id parsed by {@link #parsed}, as two numbers (fields, not objects: nothing to allocate). */
    private long high;
    private long low;

    /** The value of each lowercase hex digit by its byte (0-255); -1 for everything else. */
    private static final byte[] HEX_DIGIT = new byte[256];

    static {
        java.util.Arrays.fill(HEX_DIGIT, (byte) -1);
        for (int i = 0; i < 16; i++) {
            HEX_DIGIT["0123456789abcdef".charAt(i)] = (byte) i;
        }
    }

    /**
     * Reads "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" in lowercase hex, what {@code UUID.toString()} writes, into
     * {@link #high} and {@link #low}. Only this form maps one to one to 128 bits: {@code UUID.fromString} also
     * accepts "1-2-3-4-5" or uppercase, different strings for the same number. The nil UUID (all zeros) marks an
     * empty slot in the table, so it goes the other way too.
     */
    private boolean parsed(String id) {
        if (id == lastParsed) {
            return true;
        }
        // Only 36 characters can be this form. As bytes, a character beyond Latin-1 becomes '?', not a digit.
        return id.length() == 36 && parsed(id.getBytes(StandardCharsets.ISO_8859_1), id);
    }

    /** {@link #parsed(String)} for the id's text as bytes (any byte outside 0-9, a-f and the dashes: not this form). */
    private boolean parsed(byte[] id) {
        return id == lastParsed || parsed(id, id);
    }

    /** Parses {@code text}, the bytes of {@code id}; on success {@code id} is the one {@link #lastParsed}. */
    private boolean parsed(byte[] text, Object id) {
        if (text.length != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-') {
            return false;
        }
        // The five groups of digits, each without a branch per digit: a byte that is not a digit shows up as a
        // negative group.
        long g1 = hex(text, 0, 8);
        long g2 = hex(text, 9, 13);
        long g3 = hex(text, 14, 18);
        long g4 = hex(text, 19, 23);
        long g5 = hex(text, 24, 36);
        if ((g1 | g2 | g3 | g4 | g5) < 0) {
            return false;
        }
        long h = g1 << 32 | g2 << 16 | g3;
        long l = g4 << 48 | g5;
        if (h == 0 && l == 0) {
            return false; // the nil UUID marks an empty slot in the table
        }
        high = h;
        low = l;
        lastParsed = id;
        return true;
    }

    /** The hex digits id[from, to) as a number (at most 12 digits), or a negative number if one is not a digit. */
    private static long hex(byte[] id, int from, int to) {
        long value = 0;
        long invalid = 0;
        for (int i = from; i < to; i++) {
            long digit = HEX_DIGIT[id[i] & 0xFF];
            value = value << 4 | (digit & 0xF);
            invalid |= digit;
        }
        return invalid < 0 ? -1 : value;
    }

    /**
     * The last {@code capacity} 128-bit ids, oldest first out: an open-addressing hash table (linear probing, at
     * most half full) holding the ids themselves, so a lookup reads one place in memory, and a ring of the same
     * ids in arrival order, to know which one to forget next.
     */
    static final class UuidWindow {
        private final long[] table; // high, low per slot; (0, 0) = empty
        private final int mask; // slots - 1
        private final long[] ring; // high, low in arrival order
        private final int capacity;
        private int size;
        private int next; // ring position written next; once full, it holds the oldest id

        UuidWindow(int capacity) {
            this.capacity = capacity;
            this.ring = new long[2 * capacity];
            int slots = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1; // a power of two >= 2 x capacity
            this.table = new long[2 * slots];
            this.mask = slots - 1;
        }

        int size() {
            return size;
        }

        boolean contains(long high, long low) {
            return find(high, low) >= 0;
        }

        void add(long high, long low) {
            if (contains(high, low)) {
                return;
            }
            if (size == capacity) {
                remove(find(ring[2 * next], ring[2 * next + 1])); // forget the oldest
                size--;
            }
            ring[2 * next] = high;
            ring[2 * next + 1] = low;
            int slot = home(high, low);
            while (occupied(slot)) {
                slot = (slot + 1) & mask;
            }
            table[2 * slot] = high;
            table[2 * slot + 1] = low;
            size++;
            next = next + 1 == capacity ? 0 : next + 1;
        }

        private boolean occupied(int slot) {
            return table[2 * slot] != 0 || table[2 * slot + 1] != 0;
        }

        /** The table slot holding this id, or -1. */
        private int find(long high, long low) {
            for (int slot = home(high, low); occupied(slot); slot = (slot + 1) & mask) {
                if (table[2 * slot] == high && table[2 * slot + 1] == low) {
                    return slot;
                }
            }
            return -1;
        }

        /** Empties a slot and moves later entries of the same probe run back, so every lookup still finds them. */
        private void remove(int slot) {
            int hole = slot;
            int j = slot;
            while (true) {
                j = (j + 1) & mask;
                if (!occupied(j)) {
                    table[2 * hole] = 0;
                    table[2 * hole + 1] = 0;
                    return;
                }
                int home = home(table[2 * j], table[2 * j + 1]);
                // The entry at j may fill the hole unless its home lies cyclically in (hole, j].
                boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
                if (!stays) {
                    table[2 * hole] = table[2 * j];
                    table[2 * hole + 1] = table[2 * j + 1];
                    hole = j;
                }
            }
        }

        private int home(long high, long low) {
            long h = (high ^ Long.rotateLeft(low, 32)) * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 29)) & mask;
        }
    }
}
