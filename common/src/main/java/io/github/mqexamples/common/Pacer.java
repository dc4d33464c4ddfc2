package io.github.mqexamples.common;

import java.util.concurrent.TimeUnit;

/** Spaces sends out to a fixed rate (--rate); 0 = no limit. Catches up after a pause of less than a second. */
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
        long wait = next - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
        next = Math.max(next, System.nanoTime() - 1_000_000_000L) + intervalNanos;
    }
}
