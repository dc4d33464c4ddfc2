package io.github.mqexamples.kafka.consumer;

import io.github.mqexamples.common.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.slf4j.Logger;

/**
 * {@code --concurrency N}: N members of the group in one process, each a {@link KafkaConsumerExample} with a
 * KafkaConsumer and a thread of its own, named {@code kafka-consumer-1} to {@code -N} (their client.id and the name
 * on their log lines). One consumer per thread because a KafkaConsumer is not thread-safe: every call but
 * {@code wakeup()} must come from the thread that polls it, and its position, commits and rebalance callbacks all
 * belong to that one loop. The group shares the partitions among the members as among processes, so members beyond
 * the partition count stand by. They share what can be shared: {@link SharedByMembers}.
 */
public final class ConsumerThreads {

    private final KafkaConsumerConfig config;
    private final Logger log = Log.forProgram("kafka-consumer");
    private final List<KafkaConsumerExample> members = new ArrayList<>();

    public ConsumerThreads(KafkaConsumerConfig config, Processor processor) {
        this.config = config;
        for (int i = 1; i <= config.concurrency(); i++) {
            // The member that processes the process's last --max-messages record stops the others.
            members.add(new KafkaConsumerExample(config, processor, "kafka-consumer-" + i, this::stop));
        }
    }

    /** Runs the members until {@link #stop()}, Ctrl-C or --max-messages; returns the records processed in all. */
    public int run() throws Exception {
        try (SharedByMembers shared = SharedByMembers.open(config, log)) {
            log.info("{} members of group '{}' in this process, one thread and one KafkaConsumer each",
                    members.size(), config.group());
            List<FutureTask<Integer>> running = new ArrayList<>();
            for (int i = 0; i < members.size(); i++) {
                KafkaConsumerExample member = members.get(i);
                FutureTask<Integer> task = new FutureTask<>(() -> {
                    try {
                        return member.run(shared);
                    } catch (Throwable e) {
                        stop(); // one member failed: the others commit what they processed and leave too
                        throw e;
                    }
                });
                new Thread(task, "kafka-consumer-" + (i + 1)).start();
                running.add(task);
            }
            int total = 0;
            Exception first = null;
            for (FutureTask<Integer> member : running) {
                try {
                    total += member.get();
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof Exception cause ? cause : e;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
            log.info("{} members stopped after {} record(s) in all", members.size(), total);
            shared.throughput.logSummary();
            return total;
        }
    }

    /** Ends every member's {@link KafkaConsumerExample#run()} after its record in hand. Safe from any thread. */
    public void stop() {
        members.forEach(KafkaConsumerExample::stop);
    }
}
