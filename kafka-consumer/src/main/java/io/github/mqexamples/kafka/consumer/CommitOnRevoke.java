package io.github.mqexamples.kafka.consumer;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;

/**
 * The rebalance listener. When partitions move to another member in an orderly way (revoked), commit what was
 * processed first, so the new owner does not read it again. When they are lost (this member was presumed dead and
 * the group went on without it), committing would fail or overwrite the new owner's progress: the pending offsets
 * are dropped instead, and those records are read again. Either way, their retry pauses go.
 */
final class CommitOnRevoke implements ConsumerRebalanceListener {

    private final Logger log;
    private final ProcessedOffsets processed;
    private final RetryPauses pauses;
    private final Runnable commitNow;
    /** What this member owns now: an eager rebalance hands over everything, a cooperative one only the changes. */
    private final Set<TopicPartition> owned = new HashSet<>();

    /** @param commitNow commits {@code processed} synchronously (called from poll(), on the consumer's thread) */
    CommitOnRevoke(Logger log, ProcessedOffsets processed, RetryPauses pauses, Runnable commitNow) {
        this.log = log;
        this.processed = processed;
        this.pauses = pauses;
        this.commitNow = commitNow;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        owned.addAll(partitions);
        log.info("assigned partitions {}", sorted(partitions));
        if (standingBy()) {
            // A partition is read by one member of a group at a time: members beyond the partition count idle.
            log.info("no partition for this member: the group has more members than the topic has partitions."
                    + " It stands by, and takes partitions over when another member leaves.");
        }
    }

    /** True while the group has given this member nothing to read. */
    boolean standingBy() {
        return owned.isEmpty();
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        log.info("revoked partitions {}", sorted(partitions));
        owned.removeAll(partitions);
        commitNow.run();
        pauses.forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        log.warn("lost partitions {}; their uncommitted records will be read again", sorted(partitions));
        owned.removeAll(partitions);
        processed.drop(partitions);
        pauses.forget(partitions);
    }

    private static List<String> sorted(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::toString).sorted().toList();
    }
}
