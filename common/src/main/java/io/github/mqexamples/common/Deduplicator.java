package io.github.mqexamples.common;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the ids of the last {@code capacity} messages whose effect was applied, so that a message
 * delivered twice (redelivery after a crash, a producer re-sending after a lost confirm) is applied once.
 *
 * <p>Bounded on purpose: an unbounded set grows forever. A duplicate arrives soon after the original (within
 * a redelivery or a retry), so remembering the recent ids is enough; size it above the number of messages that
 * can be in flight. It lives in memory, so it forgets on restart: a real service keeps the ids where it
 * applies the effect (a unique key in its database, in the same transaction).
 */
public final class Deduplicator {

    private final Map<String, Boolean> seen;

    public Deduplicator(int capacity) {
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True if {@code id} was already marked done; a null id (no message id) is never a duplicate. */
    public synchronized boolean alreadyDone(String id) {
        return id != null && seen.containsKey(id);
    }

    /** Marks {@code id} as applied, after its effect has happened. */
    public synchronized void markDone(String id) {
        if (id != null) {
            seen.put(id, Boolean.TRUE);
        }
    }

    public synchronized int size() {
        return seen.size();
    }
}
