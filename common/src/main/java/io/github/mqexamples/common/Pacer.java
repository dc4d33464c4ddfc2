package io.github.mqexamples.common;

import java.util.concurrent.TimeUnit;

/** Spaces sends out to a fixed rate (--rate); 0 = no limit. Catches up after a pause of less than a second.
 * Thread-safe: threads sharing one pacer share its rate. */
public final class Pacer {

    private final long intervalNanos;
    private long next = System.nanoTime();

    public Pacer(int perSecond) {
        this.intervalNanos = perSecond <= 0 ? 0 : 1_000_000_000L / perSecond;
    }

    /** Waits until the next send is due. */
    public void await() throws InterruptedException {
        if (intervalNanos == 0) {
            return;
        }
        // Several threads may share one pacer (--threads): each takes the next slot, then waits for it unlocked.
        long slot;
        synchronized (this) {
            slot = Math.max(next, System.nanoTime() - 1_000_000_000L);
            next = slot + intervalNanos;
        }
        long wait = slot - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
