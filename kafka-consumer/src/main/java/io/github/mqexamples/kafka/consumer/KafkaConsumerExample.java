package io.github.mqexamples.kafka.consumer;

import io.github.mqexamples.common.Log;
import io.github.mqexamples.common.kafka.KafkaClientConfig;
import io.github.mqexamples.common.kafka.KafkaConnectionWatch;
import java.nio.charset.CharacterCodingException;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;

/**
 * The consumer, in the order of the Go sample: connect, subscribe, poll, process, commit, close. Where the Go sample
 * read one partition, this group member reads every partition the group gives it. Beside it: {@link FailedRecords}
 * (to {@code <topic>.retry}, then {@code .dlt}), {@link RetryHeaders}, {@link RetryPauses}, {@link StrictUtf8},
 * {@link CommitOnRevoke} (the rebalance listener), {@link ProcessedOffsets}; with {@code --concurrency},
 * {@link ConsumerThreads} runs several members in one process and {@link SharedByMembers} is what they share.
 */
public final class KafkaConsumerExample {

    private final KafkaConsumerConfig config;
    private final Processor processor;
    private final String name; // kafka-consumer; with --concurrency, kafka-consumer-1, -2, ...: client.id and log name
    private final Runnable limitReached; // --max-messages reached: what else must stop (the other members)
    private final Logger log;
    private final ProcessedOffsets processed = new ProcessedOffsets();
    private final RetryPauses pauses = new RetryPauses();
    private volatile boolean stopping;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private SharedByMembers shared;
    private int count;
    private int duplicatesSkipped;
    /** Whether anything reads a record's text: the log line, --fail-on, a processor other than the program's own. */
    private final boolean readsValue;

    public KafkaConsumerExample(KafkaConsumerConfig config, Processor processor) {
        this(config, processor, "kafka-consumer", () -> { });
    }

    /** One member of several in this process ({@link ConsumerThreads}). */
    KafkaConsumerExample(KafkaConsumerConfig config, Processor processor, String name, Runnable limitReached) {
        this.config = config;
        this.processor = processor;
        this.name = name;
        this.limitReached = limitReached;
        this.log = Log.forProgram(name);
        this.readsValue = config.logMessages() || config.work().readsBody() || processor != Processor.NONE;
    }

    static Properties properties(KafkaConsumerConfig config, String clientId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()); // it learns the other brokers
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId); // names the member in the brokers' logs and metrics
        // A group shares the topic's partitions among its members and remembers, per partition, the offset
        // the group has committed, so a restarted or replacement member resumes where the group left off.
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.group());
        // A new group (no committed offset) starts at the oldest record; the Go sample started at the newest
        // and missed everything sent before it started.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Auto-commit would commit offsets on a timer, possibly before the records were processed; a crash
        // then loses them. We commit ourselves, after processing: at-least-once.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // --isolation: read_committed (ours; Kafka's default is read_uncommitted) skips records of transactions
        // that aborted and waits for open ones; read_uncommitted sees everything written, aborted attempts too.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, config.isolation());
        // Small batches (what one poll() hands out; fetches stay large): a slow processor holds few records
        // uncommitted and keeps no rebalance waiting. Fast processing wants 500, Kafka's default: fewer commits.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
        // Fetches of up to 1 MB per partition come through the default 64 KB socket buffer in small pieces; 2 MB
        // (as Kafka's ConsumerPerformance) read 15-20% faster here (docs/benchmarks.md). Memory per connection.
        props.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, 2 * 1024 * 1024);
        // Up to 4 MB per partition in one fetch, not Kafka's 1 MB: a consumer that keeps up fetches again as soon as
        // a partition's data is handed out, and each fetch is a round trip and work for the broker; four times fewer
        // of them read 15 % faster here (docs/benchmarks.md). A consumer that is behind holds at most this much per
        // partition it reads, on the heap; one that keeps up gets what is there, as before.
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        // A member that stops heartbeating (killed, frozen) is declared dead after this long, its partitions
        // waiting until then: 10 s, not 45. Much shorter, and a GC pause gets a healthy member thrown out.
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000); // a third of the session timeout, as advised
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class); // keys are text
        // Values arrive as bytes and are decoded strictly (StrictUtf8): bytes that are not text are one bad record.
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        // --client-config / --client-property (security.protocol, sasl.*, ssl.*) under the settings above.
        return config.client().applyTo(props, KafkaClientConfig.Client.CONSUMER);
    }

    /** Reads until {@link #stop()}, Ctrl-C / SIGTERM, or {@code maxMessages}; returns how many it processed. */
    public int run() throws Exception {
        try (SharedByMembers alone = SharedByMembers.open(config, log)) { // creates <topic>.retry and <topic>.dlt
            int n = run(alone);
            alone.throughput.logSummary();
            return n;
        }
    }

    /** {@link #run()} as one of several members, with what they share. */
    int run(SharedByMembers shared) throws Exception {
        this.shared = shared;
        // close(), at the end of this block, leaves the group at once: its partitions move on without a wait.
        try (KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(properties(config, name));
             // Lines of our own while the broker is away: lost, still waiting, connected again (the client's are off).
             KafkaConnectionWatch watch = KafkaConnectionWatch.start(log, config.bootstrapServers(), kafka::metrics,
                     "the consumer reads on from where it stopped once Kafka is back")) {
            consumer = kafka;
            if (stopping) {
                return 0;
            }
            // subscribe (not assign): the group gives this member a share of the partitions and moves them as
            // members come and go; the listener commits before a partition leaves.
            kafka.subscribe(shared.topics, new CommitOnRevoke(log, processed, pauses, () -> commit(true)));
            log.info("waiting for records on topic '{}' at {} (group '{}'). Press Ctrl-C to stop.",
                    config.topic(), config.bootstrapServers(), config.group());
            try {
                while (!stopping) {
                    pauses.resumeDue(kafka, System.currentTimeMillis());
                    // poll: the next records of the partitions this member owns. Rebalances happen inside it (the
                    // listener runs there), and a member that does not poll within max.poll.interval.ms is dropped.
                    ConsumerRecords<String, byte[]> records = kafka.poll(pauses.pollTimeout(System.currentTimeMillis()));
                    handle(records);
                    commit(stopping); // when stopping, this is the last commit: synchronous
                }
            } catch (WakeupException e) {
                // stop() woke poll() or commitSync(): the normal way out, not an error. The last commit follows.
            } catch (Throwable fatal) {
                // Fatal, ending this member with nothing more committed (the next owner reads the records in hand
                // again): CommitFailedException or RebalanceInProgressException (the group gave our partitions away),
                // AuthorizationException, a failed hand-over to .retry, any other KafkaException.
                processed.clear();
                throw fatal;
            }
            try {
                commit(true);
            } catch (WakeupException e) {
                commit(true); // stop() arrived outside poll(); its wakeup is used up now, commit again
            }
            log.info("stopped after {} record(s)", count);
            return count;
        }
    }

    /** Ends {@link #run()} after the record in hand. Safe from any thread. */
    public void stop() {
        stopping = true;
        if (consumer != null) { // set once, before subscribe(); never unset
            consumer.wakeup(); // makes a blocked poll() or commitSync() throw WakeupException
        }
    }

    public int duplicatesSkipped() { // records skipped because their message id was already applied
        return duplicatesSkipped;
    }

    private void handle(ConsumerRecords<String, byte[]> records) throws Exception {
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                if (stopping) {
                    return; // the rest of this batch is not committed: the group reads it again later
                }
                RetryHeaders.Read headers = RetryHeaders.Read.from(record.headers());
                if (pauses.holdUntilDue(consumer, record, headers.dueAt(), System.currentTimeMillis())) {
                    break; // a retry that is not due yet: its partition is paused from here on
                }
                long taken = shared.take(); // --max-messages counts for the process; 0: other members took the last
                if (taken == 0) {
                    stopping = true; // this record is left for the group to read again
                    return;
                }
                process(record, headers);
                processed.done(partition, record.offset());
                count++;
                if (taken == config.maxMessages()) { // the process's last record (0, the default, is never reached)
                    stopping = true;
                    limitReached.run(); // the other members too
                    return;
                }
            }
        }
    }

    /** Processes one record; a failure is handed over to .retry or .dlt. Returns when the record is done with. */
    private void process(ConsumerRecord<String, byte[]> raw, RetryHeaders.Read headers) throws Exception {
        int attempt = headers.attempt();
        String value = null;
        try {
            if (readsValue) {
                value = StrictUtf8.decode(raw.value());
            } else {
                // Nothing reads the text, so no String is made (it would copy every value once more); the bytes are
                // still checked: a value that is not text is a bad record whether or not anyone reads it.
                StrictUtf8.check(raw.value());
            }
        } catch (CharacterCodingException e) {
            shared.failed.undecodable(raw, attempt, e);
            return;
        }
        if (config.logMessages()) {
            log.info("received topic={} partition={} offset={} key={} value='{}'{}", raw.topic(), raw.partition(),
                    raw.offset(), raw.key(), value, headers.ofAttempts(config.maxAttempts()));
        }
        // Read again (a crash or rebalance before the commit)? By the id's bytes, as the header holds them.
        if (shared.applied.alreadyDoneUtf8(headers.messageIdBytes())) {
            duplicatesSkipped++;
            log.info("skipped duplicate message-id={}: already applied", headers.messageId());
            return;
        }
        try {
            config.work().process(value, attempt);
            if (processor != Processor.NONE) {
                processor.process(StrictUtf8.withValue(raw, value));
            }
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            shared.failed.failed(raw, attempt, e); // its copy is safe in .retry or .dlt once this returns
            return;
        }
        shared.applied.markDoneUtf8(headers.messageIdBytes());
        shared.throughput.record(raw.value().length, headers.sentAtMicros());
    }

    /**
     * Commits what was processed: after each batch or, with --commit-interval, once that long has passed (a crash
     * re-reads up to one interval). The last one (stop, revoke) always happens, synchronously: nobody retries it.
     */
    private void commit(boolean last) {
        if (!processed.dueForCommit(last, config.commitInterval())) {
            return;
        }
        var offsets = processed.toCommit();
        if (!last && config.commit() == CommitMode.ASYNC) { // no wait: more throughput; a later commit covers a failure
            consumer.commitAsync(offsets, ProcessedOffsets.warnIfFailed(log)); // a failure is only logged
        } else {
            consumer.commitSync(offsets); // waits, retrying what is retriable; if it throws, the offsets stay pending
        }
        processed.committed(offsets, !last ? log::debug : config.logMessages() ? log::info : null);
    }
}
