package io.github.mqexamples.kafka.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A retry record is processed only once its delay has passed. Until then its partition of {@code <topic>.retry}
 * is paused and rewound to it, so poll() keeps returning the main topic's records (never blocked by a waiting
 * retry) and returns this one again once the partition is resumed. Times are epoch milliseconds.
 */
final class RetryPauses {

    /** Longest and shortest wait in poll(): a paused retry that becomes due sooner shortens it. */
    static final long MAX_POLL_MS = 1_000;
    static final long MIN_POLL_MS = 10;

    /** Retry partitions paused until their next record is due. */
    private final Map<TopicPartition, Long> pausedUntil = new HashMap<>();

    /**
     * True if {@code record} is not due at {@code now} ({@code dueAt} 0 = no delay): its partition is then paused
     * and rewound to it, and the caller leaves the rest of that partition's batch for later.
     */
    boolean holdUntilDue(Consumer<?, ?> consumer, ConsumerRecord<?, ?> record, long dueAt, long now) {
        if (dueAt == 0 || dueAt <= now) {
            return false;
        }
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        consumer.pause(List.of(partition));
        consumer.seek(partition, record.offset());
        pausedUntil.put(partition, dueAt);
        return true;
    }

    /** Resumes the paused partitions whose record is due at {@code now} and that are still assigned. */
    void resumeDue(Consumer<?, ?> consumer, long now) {
        List<TopicPartition> due = new ArrayList<>();
        pausedUntil.forEach((partition, at) -> {
            if (at <= now) {
                due.add(partition);
            }
        });
        due.forEach(pausedUntil::remove);
        due.retainAll(consumer.assignment());
        if (!due.isEmpty()) {
            consumer.resume(due);
        }
    }

    /** How long the next poll() may wait: at most 1 s, less when a paused retry becomes due sooner. */
    Duration pollTimeout(long now) {
        long wait = pausedUntil.values().stream().mapToLong(at -> at - now).min().orElse(MAX_POLL_MS);
        return Duration.ofMillis(Math.max(MIN_POLL_MS, Math.min(MAX_POLL_MS, wait)));
    }

    /** These partitions left this member (revoked or lost): their pauses go with them. */
    void forget(Collection<TopicPartition> partitions) {
        pausedUntil.keySet().removeAll(partitions);
    }
}
