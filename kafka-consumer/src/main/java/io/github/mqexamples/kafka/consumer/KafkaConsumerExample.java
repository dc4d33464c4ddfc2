package io.github.mqexamples.kafka.consumer;

import io.github.mqexamples.common.Deduplicator;
import io.github.mqexamples.common.Log;
import io.github.mqexamples.common.SimulatedWork;
import io.github.mqexamples.common.Throughput;
import io.github.mqexamples.common.kafka.KafkaErrors;
import io.github.mqexamples.common.kafka.KafkaTopics;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;

/**
 * The poll loop: process each record, then commit its offset (at-least-once delivery). A record whose
 * processing fails goes to {@code <topic>.retry} and is tried again after a delay; out of attempts, or when its
 * value cannot even be decoded, it goes to {@code <topic>.dlt}. Records already applied (same message id) are
 * skipped. Either way its offset is committed, so one bad record never blocks its partition.
 */
public final class KafkaConsumerExample {

    /**
     * @param maxMessages 0 = until stopped
     * @param maxAttempts attempts per record before it is dead-lettered (1 = no retry)
     * @param commit "sync" or "async"
     * @param applied the ids of records whose effect was applied; null = a new in-memory one
     */
    /** Records one poll() hands out unless --max-poll-records says otherwise. */
    public static final int DEFAULT_MAX_POLL_RECORDS = 10;

    public record Config(String bootstrapServers, String topic, String group, int maxMessages, SimulatedWork work,
                         int maxAttempts, Duration retryDelay, String commit, Deduplicator applied,
                         boolean logMessages, int maxPollRecords, Duration commitInterval) {

        /** Small batches, with a line per record. */
        public Config(String bootstrapServers, String topic, String group, int maxMessages, SimulatedWork work,
                      int maxAttempts, Duration retryDelay, String commit, Deduplicator applied) {
            this(bootstrapServers, topic, group, maxMessages, work, maxAttempts, retryDelay, commit, applied, true,
                    DEFAULT_MAX_POLL_RECORDS, Duration.ZERO);
        }

        /** Plain reading: no simulated work, the program's default retries, synchronous commits. */
        public Config(String bootstrapServers, String topic, String group, int maxMessages) {
            this(bootstrapServers, topic, group, maxMessages, SimulatedWork.none(), 3, Duration.ofSeconds(5), "sync",
                    null);
        }
    }

    /** What processing a record means; the program only logs it, tests record it. Throwing = failed. */
    @FunctionalInterface
    public interface Processor {
        void process(ConsumerRecord<String, String> record) throws Exception;
    }

    /** Socket receive buffer for fetch responses (receive.buffer.bytes). */
    static final int RECEIVE_BUFFER_BYTES = 2 * 1024 * 1024;

    /** Ids remembered for de-duplication: well above what one poll and its retries can bring twice. */
    static final int DEDUPLICATION_CAPACITY = 100_000;

    private final Config config;
    private final Processor processor;
    private final Deduplicator applied;
    private final Logger log = Log.forProgram("kafka-consumer");
    private volatile boolean stopping;
    private Throughput throughput;
    private long lastCommitNanos = System.nanoTime();
    private volatile KafkaConsumer<String, byte[]> consumer;
    /** Offsets of records processed but not yet committed: the next offset to read, per partition. */
    private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
    /** Retry partitions paused until their next record is due (epoch ms). */
    private final Map<TopicPartition, Long> pausedUntil = new HashMap<>();
    private int count;
    private int duplicatesSkipped;

    public KafkaConsumerExample(Config config) {
        this(config, record -> { });
    }

    public KafkaConsumerExample(Config config, Processor processor) {
        this.config = config;
        this.processor = processor;
        this.applied = config.applied() != null ? config.applied() : new Deduplicator(DEDUPLICATION_CAPACITY);
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
        // Small batches by default: a batch is committed when it is done, so a slow processor (see --work-ms)
        // should not hold hundreds of records uncommitted, nor keep a rebalance waiting until it finishes them.
        // This only limits what one poll() hands out; the fetches from the broker stay large. Fast processing
        // wants larger batches (--max-poll-records 500, Kafka's default): fewer commits per record.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
        // A fetch response carries up to 1 MB per partition (max.partition.fetch.bytes). Through the default 64 KB
        // socket buffer the broker sends it in small pieces, waiting for the consumer to empty the buffer between
        // them. 2 MB is what Kafka's own ConsumerPerformance uses; it read 15-20% faster here (docs/benchmarks.md).
        // It is memory per broker connection, and the OS caps it at net.core.rmem_max.
        props.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, RECEIVE_BUFFER_BYTES);
        // A member that stops heartbeating (killed, frozen) is declared dead after this long; until then its
        // partitions wait, and a new member cannot join. 10 s instead of 45 s: a crash costs 10 s of stall.
        // Too short, and a long GC pause or a slow network gets a healthy member thrown out.
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        // Values arrive as bytes and are decoded here, strictly: a value that is not UTF-8 text is one bad
        // record to dead-letter. With a StringDeserializer it would be garbled silently (or, with a stricter
        // deserializer, poll() would throw and the partition would stall on it).
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    /** Reads until {@link #stop()}, Ctrl-C / SIGTERM, or {@code maxMessages}; returns how many it processed. */
    public int run() throws Exception {
        throughput = new Throughput("received", log, !config.logMessages());
        List<String> topics = prepareTopics();
        try (KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(properties(config));
             FailedRecords failed = new FailedRecords(config.bootstrapServers(), config.topic(), config.maxAttempts(),
                     config.retryDelay())) {
            consumer = kafka;
            if (stopping) {
                return 0;
            }
            kafka.subscribe(topics, new CommitOnRevoke());
            log.info("waiting for records on topic '{}' at {} (group '{}'). Press Ctrl-C to stop.",
                    config.topic(), config.bootstrapServers(), config.group());
            boolean clean = false;
            try {
                while (!stopping) {
                    resumeDueRetries();
                    ConsumerRecords<String, byte[]> records = kafka.poll(pollTimeout());
                    handle(records, failed);
                    commitProcessed(stopping); // when stopping, this is the last commit: synchronous
                }
                clean = true;
            } catch (WakeupException e) {
                clean = true; // stop() woke a blocked call; fall through to the final commit
            } finally {
                if (!clean) {
                    // Something unexpected (the hand-over to .retry failed, the cluster went away...): commit
                    // nothing more. The records in hand are read again by whoever owns the partition next.
                    processed.clear();
                }
            }
            try {
                commitProcessed(true);
            } catch (WakeupException e) {
                commitProcessed(true); // stop() arrived outside poll(); its wakeup is used up now, commit again
            }
            log.info("stopped after {} record(s)", count);
            if (throughput.worthASummary()) {
                log.info(throughput.summary());
            }
            return count;
        } finally {
            throughput.close();
        }
    }

    /** Ends {@link #run()} after the record in hand. Safe from any thread. */
    public void stop() {
        stopping = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** Records skipped because their message id was already applied. */
    public int duplicatesSkipped() {
        return duplicatesSkipped;
    }

    private void handle(ConsumerRecords<String, byte[]> records, FailedRecords failed) throws Exception {
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                if (stopping) {
                    return; // the rest of this batch is not committed: the group reads it again later
                }
                RetryHeaders.Read headers = RetryHeaders.Read.from(record.headers());
                if (!dueNow(record, headers.dueAt())) {
                    break; // a retry that is not due yet: its partition is paused from here on
                }
                handle(record, headers, failed);
                processed.put(partition, new OffsetAndMetadata(record.offset() + 1));
                count++;
                if (config.maxMessages() > 0 && count >= config.maxMessages()) {
                    stopping = true;
                    return;
                }
            }
        }
    }

    /** Processes one record; a failure is handed over to .retry or .dlt. Returns when the record is done with. */
    private void handle(ConsumerRecord<String, byte[]> raw, RetryHeaders.Read headers, FailedRecords failed)
            throws Exception {
        int attempt = headers.attempt();
        String id = headers.messageId();
        String value;
        try {
            value = decodeUtf8(raw.value());
        } catch (CharacterCodingException e) {
            log.warn("received topic={} partition={} offset={} key={}: value is not UTF-8 text ({} bytes)",
                    raw.topic(), raw.partition(), raw.offset(), raw.key(), raw.value().length);
            failed.handOver(raw, attempt, e, false); // retrying cannot make these bytes decodable
            log.warn("dead-lettered to {} (cannot be decoded): {}", FailedRecords.deadLetterTopic(config.topic()), e);
            return;
        }
        if (config.logMessages()) {
            log.info("received topic={} partition={} offset={} key={} value='{}'{}", raw.topic(), raw.partition(),
                    raw.offset(), raw.key(), value,
                    attempt > 1 ? " (attempt " + attempt + " of " + config.maxAttempts() + ")" : "");
        }
        if (applied.alreadyDone(id)) {
            // Read again (a crash or rebalance before the commit, or a re-send): its effect already happened.
            duplicatesSkipped++;
            log.info("skipped duplicate message-id={}: already applied", id);
            return;
        }
        try {
            config.work().process(value, attempt);
            processor.process(decoded(raw, value));
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            FailedRecords.Outcome outcome = failed.handOver(raw, attempt, e, true);
            if (outcome == FailedRecords.Outcome.RETRY) {
                log.warn("attempt {} of {} failed: {}; retrying in {} ms via {}", attempt, config.maxAttempts(),
                        e.getMessage(), config.retryDelay().toMillis(), FailedRecords.retryTopic(config.topic()));
            } else {
                log.warn("attempt {} of {} failed: {}; dead-lettered to {}", attempt, config.maxAttempts(),
                        e.getMessage(), FailedRecords.deadLetterTopic(config.topic()));
            }
            return;
        }
        applied.markDone(id);
        throughput.record(raw.value().length, headers.sentAtMicros());
    }

    /**
     * A retry record is processed only once its delay has passed. Until then its partition of the retry topic
     * is paused and rewound to it, so poll() keeps returning the main topic's records (never blocked by a
     * waiting retry) and returns this one again when the partition is resumed.
     */
    private boolean dueNow(ConsumerRecord<String, byte[]> record, long due) {
        if (due == 0 || due <= System.currentTimeMillis()) {
            return true;
        }
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        consumer.pause(List.of(partition));
        consumer.seek(partition, record.offset());
        pausedUntil.put(partition, due);
        return false;
    }

    private void resumeDueRetries() {
        long now = System.currentTimeMillis();
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

    /** At most 1 s, less when a paused retry becomes due sooner. */
    private Duration pollTimeout() {
        long now = System.currentTimeMillis();
        long wait = pausedUntil.values().stream().mapToLong(at -> at - now).min().orElse(1_000);
        return Duration.ofMillis(Math.max(10, Math.min(1_000, wait)));
    }

    /**
     * Commits the offsets of the records processed since the last commit. The loop commits after each batch:
     * synchronously (waits, retries what is retriable) with {@code --commit sync}, or without waiting with
     * {@code --commit async} (more throughput; a failed async commit is only logged, the next one covers it).
     * The last commit (on stop, on revoke) is always synchronous: after it, nobody is left to retry.
     */
    private void commitProcessed(boolean last) {
        if (processed.isEmpty()) {
            return;
        }
        // --commit-interval: between two commits, batches accumulate. Fewer commits cost the broker less (each
        // one is a write to __consumer_offsets); a crash re-reads up to one interval of records. The last commit
        // (stop, rebalance) always happens.
        if (!last && System.nanoTime() - lastCommitNanos < config.commitInterval().toNanos()) {
            return;
        }
        lastCommitNanos = System.nanoTime();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(processed);
        if (!last && config.commit().equals("async")) {
            consumer.commitAsync(offsets, (committed, exception) -> {
                if (exception != null) {
                    log.warn("async commit failed ({}); a later commit covers these records", exception.toString());
                }
            });
        } else {
            consumer.commitSync(offsets); // if this throws (e.g. a wakeup), the offsets stay pending
        }
        processed.clear();
        if (last) {
            if (config.logMessages()) {
                log.info("committed offsets {}", describe(offsets));
            }
        } else {
            log.debug("committed offsets {}", describe(offsets));
        }
    }

    private static Map<String, Long> describe(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<String, Long> out = new TreeMap<>();
        offsets.forEach((tp, o) -> out.put(tp.toString(), o.offset()));
        return out;
    }

    /**
     * Checks that the cluster answers, and creates {@code <topic>.retry} and {@code <topic>.dlt} with the
     * partitions and replication of the main topic. Returns the topics to subscribe to.
     */
    private List<String> prepareTopics() throws InterruptedException {
        try (Admin admin = KafkaTopics.admin(config.bootstrapServers())) {
            int brokers;
            try {
                // The client would retry an unreachable cluster quietly forever; ask once, and say so.
                brokers = admin.describeCluster().nodes().get(KafkaErrors.FIRST_CONTACT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
            } catch (TimeoutException | ExecutionException e) {
                throw KafkaErrors.unreachable(config.bootstrapServers(), e);
            }
            TopicDescription main = KafkaTopics.describe(admin, config.topic()).orElse(null);
            int partitions = main == null ? 3 : main.partitions().size();
            // As many copies as the main topic has, if that many brokers are up right now.
            short replication = (short) Math.min(brokers, main == null ? 1 : main.partitions().get(0).replicas().size());
            String retry = FailedRecords.retryTopic(config.topic());
            String dlt = FailedRecords.deadLetterTopic(config.topic());
            KafkaTopics.createIfMissing(admin, List.of(retry, dlt), partitions, replication, Map.of());
            // With a single attempt nothing is ever retried: the retry topic is not read.
            return config.maxAttempts() > 1 ? List.of(config.topic(), retry) : List.of(config.topic());
        }
    }

    /** Strict UTF-8: malformed bytes are an error, not replacement characters. */
    static String decodeUtf8(byte[] bytes) throws CharacterCodingException {
        if (bytes == null) {
            return null;
        }
        // Fast path: the String constructor decodes valid UTF-8 (and plain ASCII above all) quickly, but turns
        // malformed bytes into U+FFFD silently. Only when a U+FFFD shows up is the value decoded again, strictly,
        // to tell a real U+FFFD from bytes that are not UTF-8 at all.
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') < 0) {
            return text;
        }
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
    }

    private static ConsumerRecord<String, String> decoded(ConsumerRecord<String, byte[]> raw, String value) {
        return new ConsumerRecord<>(raw.topic(), raw.partition(), raw.offset(), raw.timestamp(), raw.timestampType(),
                raw.serializedKeySize(), raw.serializedValueSize(), raw.key(), value, raw.headers(), raw.leaderEpoch(),
                raw.deliveryCount());
    }

    /**
     * When partitions move to another member, commit what we processed first, so the new owner does not
     * re-read it. When they are lost (we were presumed dead), committing would fail or overwrite the new
     * owner's progress, so we drop the pending offsets instead and let those records be read again.
     */
    private final class CommitOnRevoke implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("assigned partitions {}", sorted(partitions));
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            log.info("revoked partitions {}", sorted(partitions));
            commitProcessed(true);
            pausedUntil.keySet().removeAll(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            log.warn("lost partitions {}; their uncommitted records will be read again", sorted(partitions));
            processed.keySet().removeAll(partitions);
            pausedUntil.keySet().removeAll(partitions);
        }

        private List<String> sorted(Collection<TopicPartition> partitions) {
            return partitions.stream().map(TopicPartition::toString).sorted().toList();
        }
    }
}
