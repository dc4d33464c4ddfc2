package io.github.mqexamples.kafka.consumer;

import io.github.mqexamples.common.Log;
import io.github.mqexamples.common.kafka.KafkaErrors;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;

/** The poll loop: process each record, then commit its offset; at-least-once delivery. */
public final class KafkaConsumerExample {

    /** @param maxMessages 0 = until stopped */
    public record Config(String bootstrapServers, String topic, String group, int maxMessages) {
    }

    /** What processing a record means; the program only logs it, tests record it. */
    @FunctionalInterface
    public interface Processor {
        void process(ConsumerRecord<String, String> record) throws Exception;
    }

    private final Config config;
    private final Processor processor;
    private final Logger log = Log.forProgram("kafka-consumer");
    private volatile boolean stopping;
    private KafkaConsumer<String, String> consumer;
    /** Offsets of records processed but not yet committed: the next offset to read, per partition. */
    private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
    private int count;

    public KafkaConsumerExample(Config config) {
        this(config, record -> { });
    }

    public KafkaConsumerExample(Config config, Processor processor) {
        this.config = config;
        this.processor = processor;
    }

    static Properties properties(Config config) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kafka-consumer");
        // A group shares the topic's partitions among its members and remembers, per partition, the offset
        // the group has committed, so a restarted or replacement member resumes where the group left off.
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.group());
        // With no committed offset yet (a new group), start from the oldest record, not only new ones:
        // the Go sample read from the newest offset and missed everything sent before it started.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Auto-commit would commit offsets on a timer, possibly before the records were processed; a crash
        // then loses them. We commit ourselves, after processing: at-least-once.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return props;
    }

    /** Reads until {@link #stop()}, Ctrl-C / SIGTERM, or {@code maxMessages}; returns how many it processed. */
    public int run() throws Exception {
        try (KafkaConsumer<String, String> kafka = new KafkaConsumer<>(properties(config))) {
            consumer = kafka;
            if (stopping) {
                return 0;
            }
            try {
                // The client would retry an unreachable cluster quietly forever; ask once, and say so.
                kafka.listTopics(KafkaErrors.FIRST_CONTACT_TIMEOUT);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                throw KafkaErrors.unreachable(config.bootstrapServers(), e);
            }
            kafka.subscribe(List.of(config.topic()), new CommitOnRevoke());
            log.info("waiting for records on topic '{}' at {} (group '{}'). Press Ctrl-C to stop.",
                    config.topic(), config.bootstrapServers(), config.group());
            try {
                while (!stopping) {
                    ConsumerRecords<String, String> records = kafka.poll(Duration.ofSeconds(1));
                    for (ConsumerRecord<String, String> record : records) {
                        log.info("received topic={} partition={} offset={} key={} value='{}'", record.topic(),
                                record.partition(), record.offset(), record.key(), record.value());
                        processor.process(record);
                        processed.put(new TopicPartition(record.topic(), record.partition()),
                                new OffsetAndMetadata(record.offset() + 1));
                        count++;
                        if (config.maxMessages() > 0 && count >= config.maxMessages()) {
                            stopping = true;
                            break; // the rest of this batch is not committed: the group reads it again later
                        }
                    }
                    commitProcessed();
                }
            } catch (WakeupException e) {
                // stop() woke a blocked poll(); fall through to the final commit
            }
            try {
                commitProcessed();
            } catch (WakeupException e) {
                commitProcessed(); // stop() arrived outside poll(); its wakeup is used up now, commit again
            }
            log.info("stopped after {} record(s)", count);
            return count;
        }
    }

    /** Ends {@link #run()} after the record in hand. Safe from any thread. */
    public void stop() {
        stopping = true;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private void commitProcessed() {
        if (!processed.isEmpty()) {
            // commitSync retries until it succeeds or hits a fatal error; we only commit what we processed.
            consumer.commitSync(processed);
            processed.clear();
        }
    }

    /**
     * When partitions move to another member, commit what we processed first, so the new owner does not
     * re-read it. When they are lost (we were presumed dead), committing would fail or overwrite the new
     * owner's progress, so we drop the pending offsets instead and let those records be read again.
     */
    private final class CommitOnRevoke implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("assigned partitions {}", partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            log.info("revoked partitions {}", partitions);
            commitProcessed();
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            log.warn("lost partitions {}; their uncommitted records will be read again", partitions);
            processed.keySet().removeAll(partitions);
        }
    }
}
