package io.github.mqexamples.kafka.consumer;

import io.github.mqexamples.common.Deduplicator;
import io.github.mqexamples.common.Throughput;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * What the members of one consumer process share ({@code --concurrency} runs several, each with a KafkaConsumer and
 * a thread of its own; a member alone shares them with nobody):
 * <ul>
 *   <li>one {@link Throughput}: one progress line and one summary for the process, with the group's lag;</li>
 *   <li>one {@link Deduplicator} (synchronized): a record that a rebalance hands from one member to another of the
 *       same process before its commit is still recognised by its message id;</li>
 *   <li>one producer for {@code .retry} and {@code .dlt} ({@link FailedRecords}): a KafkaProducer is thread-safe,
 *       and Kafka wants one per process (one set of connections, one producer id, fuller batches);</li>
 *   <li>the {@code --max-messages} budget, which counts for the process, not per member.</li>
 * </ul>
 */
final class SharedByMembers implements AutoCloseable {

    /** The topics every member subscribes to: the topic and, unless --max-attempts 1, its .retry. */
    final List<String> topics;
    final Throughput throughput;
    final Deduplicator applied;
    final FailedRecords failed;
    /** Only when progress lines are on (--log-messages false): nobody else would ask the cluster for it. */
    private final GroupLag lag;
    private final int maxMessages;
    private final AtomicLong taken = new AtomicLong();

    private SharedByMembers(KafkaConsumerConfig config, Logger log, List<String> topics) {
        this.topics = topics;
        this.maxMessages = config.maxMessages();
        this.applied = config.applied() != null ? config.applied() : new Deduplicator(Deduplicator.DEFAULT_CAPACITY);
        this.throughput = new Throughput("received", log, !config.logMessages());
        this.failed = new FailedRecords(config, log);
        if (!config.logMessages()) {
            lag = new GroupLag(config.bootstrapServers(), config.client(), config.group(), config.topic());
            throughput.showBacklog("lag", lag::lag);
        } else {
            lag = null;
        }
    }

    /** Checks that the cluster answers and creates {@code <topic>.retry} and {@code .dlt}; then what members share. */
    static SharedByMembers open(KafkaConsumerConfig config, Logger log) throws InterruptedException {
        return new SharedByMembers(config, log, FailedRecords.createTopics(config));
    }

    /**
     * Claims the next record a member is about to process: its number in the process (1, 2, ...), or 0 when the
     * process has already taken its {@code --max-messages}. Claimed before processing, so that members working
     * side by side process exactly that many between them, not one each beyond it.
     */
    long take() {
        long n = taken.incrementAndGet();
        return maxMessages == 0 || n <= maxMessages ? n : 0;
    }

    @Override
    public void close() {
        throughput.close(); // first: no progress line asks for the lag any more
        if (lag != null) {
            lag.close();
        }
        failed.close();
    }
}
