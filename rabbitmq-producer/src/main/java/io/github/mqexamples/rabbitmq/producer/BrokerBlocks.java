package io.github.mqexamples.rabbitmq.producer;

import com.rabbitmq.client.BlockedListener;
import java.util.Locale;
import org.slf4j.Logger;

/**
 * RabbitMQ pushes back on publishers when it runs short of memory or disk (a resource alarm): it stops reading
 * from their connections and says so with connection.blocked, then connection.unblocked once the alarm clears.
 * Meanwhile no confirm can come. This keeps track of it, so that the time blocked does not count against
 * --confirm-timeout: the producer waits for the broker instead of giving up on messages the broker will take.
 */
final class BrokerBlocks implements BlockedListener {

    private final Logger log;
    private volatile boolean blocked;
    private volatile long blockedAt;
    /** When the last block ended (System.nanoTime()), 0 if none did. */
    private volatile long unblockedAt;

    BrokerBlocks(Logger log) {
        this.log = log;
    }

    @Override
    public void handleBlocked(String reason) {
        blockedAt = System.nanoTime();
        blocked = true;
        log.warn("the broker blocked publishing ({}): waiting until it unblocks; no message is given up meanwhile",
                reason);
    }

    @Override
    public void handleUnblocked() {
        unblockedAt = System.nanoTime();
        blocked = false;
        log.info("the broker unblocked publishing after {} s: going on", String.format(Locale.ROOT, "%.1f",
                (unblockedAt - blockedAt) / 1e9));
    }

    boolean blocked() {
        return blocked;
    }

    /**
     * The later of {@code since} and the end of the last block: a wait for confirms that a block interrupted
     * counts from when the broker let go again.
     */
    long waitingSince(long since) {
        return Math.max(since, unblockedAt);
    }
}
