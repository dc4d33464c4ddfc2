package io.github.mqexamples.kafka.consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;

/**
 * The offsets of records processed but not yet committed: per partition, the next offset to read (the last
 * processed record's offset + 1), which is what a commit stores and where the group resumes after it.
 */
final class ProcessedOffsets {

    /** Per partition, the next offset to read, in an array of one that each record overwrites: nothing to allocate. */
    private final Map<TopicPartition, long[]> pending = new HashMap<>();
    private long lastCommitNanos = System.nanoTime();

    /** {@code record} is done with (processed, skipped or handed over): the next commit includes it. */
    void done(ConsumerRecord<?, ?> record) {
        done(new TopicPartition(record.topic(), record.partition()), record.offset());
    }

    /** The record at {@code offset} of {@code partition} is done with; called for every record, so it allocates nothing. */
    void done(TopicPartition partition, long offset) {
        pending.computeIfAbsent(partition, p -> new long[1])[0] = offset + 1;
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /**
     * Whether to commit now (and if so, the interval starts again): when something is pending and this is the
     * {@code last} commit (stop, revoke), or at least {@code interval} has passed since the previous one.
     */
    boolean dueForCommit(boolean last, Duration interval) {
        if (pending.isEmpty() || !last && System.nanoTime() - lastCommitNanos < interval.toNanos()) {
            return false;
        }
        lastCommitNanos = System.nanoTime();
        return true;
    }

    /** A copy of what the next commit should store; they stay pending until {@link #clear()}. */
    Map<TopicPartition, OffsetAndMetadata> toCommit() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        pending.forEach((partition, next) -> offsets.put(partition, new OffsetAndMetadata(next[0])));
        return offsets;
    }

    /** {@code offsets} were committed: no longer pending; said on {@code line} (null = not at all). */
    void committed(Map<TopicPartition, OffsetAndMetadata> offsets, BiConsumer<String, Object> line) {
        pending.clear();
        if (line != null) {
            line.accept("committed offsets {}", describe(offsets));
        }
    }

    /** Committed, or given up: an error ends the member and the next owner reads these records again. */
    void clear() {
        pending.clear();
    }

    /** These partitions were lost: their offsets must not be committed (another member owns them now). */
    void drop(Collection<TopicPartition> partitions) {
        pending.keySet().removeAll(partitions);
    }

    /** For commitAsync: a failed commit is only logged, since the next commit (the last one synchronous) covers it. */
    static OffsetCommitCallback warnIfFailed(Logger log) {
        return (offsets, exception) -> {
            if (exception != null) {
                log.warn("async commit failed ({}); a later commit covers these records", exception.toString());
            }
        };
    }

    /** For the log: "{test-topic-0=4, test-topic-1=2}", sorted. */
    static Map<String, Long> describe(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<String, Long> out = new TreeMap<>();
        offsets.forEach((tp, o) -> out.put(tp.toString(), o.offset()));
        return out;
    }
}
