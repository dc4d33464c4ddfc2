package io.github.mqexamples.kafka.consumer;

import io.github.mqexamples.common.Cli;
import io.github.mqexamples.common.GracefulShutdown;
import io.github.mqexamples.common.Log;
import io.github.mqexamples.common.Settings;
import io.github.mqexamples.common.SimulatedWork;
import io.github.mqexamples.common.UsageException;
import io.github.mqexamples.common.Values;
import io.github.mqexamples.common.kafka.KafkaClientConfig;
import io.github.mqexamples.common.kafka.KafkaErrors;
import java.time.Duration;

/**
 * Reads a Kafka topic as a member of a consumer group, committing offsets only after processing, until
 * Ctrl-C (or {@code --max-messages}). Failed records are retried through {@code <topic>.retry} and end in
 * {@code <topic>.dlt}. With {@code --share-group} it reads as a member of a share group instead, acknowledging
 * each record on its own.
 *
 * <pre>java -jar kafka-consumer/target/kafka-consumer.jar</pre>
 */
public final class KafkaConsumerApp {

    static final Settings SETTINGS = KafkaClientConfig.addTo(SimulatedWork.addTo(new Settings("kafka-consumer",
            "Reads a Kafka topic in a consumer group, committing after processing; stops cleanly on Ctrl-C.")
            .add("bootstrap-servers", "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092", "host:port[,host:port...] of the cluster")
            .add("topic", "KAFKA_TOPIC", "test-topic", "topic to read")
            .add("group", "KAFKA_GROUP_ID", "test-group", "consumer group: members share the partitions and the committed offsets")
            .add("max-messages", "MAX_MESSAGES", "0", "exit after this many records; 0 = run until Ctrl-C"))
            .add("max-attempts", "MAX_ATTEMPTS", "3", "attempts per record; then it goes to <topic>.dlt (1 = no retry)")
            .add("retry-delay", "RETRY_DELAY", "5s", "wait before a failed record is tried again from <topic>.retry")
            .add("commit", "KAFKA_COMMIT", "sync", "sync or async: how offsets are committed after each batch")
            .add("share-group", "KAFKA_SHARE_GROUP", null, "read as this share group instead (per-record ACCEPT/RELEASE/REJECT)")
            .add("commit-interval", "KAFKA_COMMIT_INTERVAL", "0ms", "least time between two commits; 0 = after every"
                    + " batch (a crash re-reads at most one interval of records)")
            .add("max-poll-records", "KAFKA_MAX_POLL_RECORDS", String.valueOf(KafkaConsumerConfig.DEFAULT_MAX_POLL_RECORDS),
                    "max.poll.records: records per batch, each batch committed when done (500 for fast processing)")
            .add("log-messages", "LOG_MESSAGES", "true", "a line per record; false = a progress line each second"
                    + " (for long runs), with the group's lag")
            .add("concurrency", "KAFKA_CONSUMER_CONCURRENCY", "1", "members of the group in this process, one thread"
                    + " and one KafkaConsumer each (members beyond the partition count stand by)")
            .add("isolation", "KAFKA_ISOLATION", "read_committed", "read_committed (skip what aborted transactions"
                    + " wrote) or read_uncommitted (see everything written)")
            .add("output-topic", "KAFKA_OUTPUT_TOPIC", null, "with --transactional-id: a transactional step, each"
                    + " record transformed to this topic and its offset committed in the same transaction")
            .add("transactional-id", "KAFKA_TRANSACTIONAL_ID", null, "the step's transactional id: the same across"
                    + " restarts (a new instance fences the old one)"));

    /** How long Ctrl-C waits for the consumer to commit and leave before it exits anyway (with 1). */
    private static final Duration GRACE = Duration.ofSeconds(20);

    private KafkaConsumerApp() {
    }

    public static void main(String[] args) {
        // A refused login, TLS handshake or permission: one line that names the setting to fix.
        Cli.main(SETTINGS, args, values -> KafkaErrors.explaining(values.string("bootstrap-servers"), client(values),
                "read", () -> run(values)));
    }

    private static int run(Values values) throws Exception {
        String shareGroup = values.optional("share-group").filter(s -> !s.isBlank()).orElse(null);
        // Ctrl-C / SIGTERM: wake the poll loop, commit what was processed (a share group: release what is in
        // hand), leave the group, exit 0.
        String outputTopic = values.optional("output-topic").filter(s -> !s.isBlank()).orElse(null);
        if (outputTopic != null) {
            var step = new TransactionalStep(stepConfig(values, outputTopic));
            announce(step.config().client());
            GracefulShutdown.run(step::run, step::stop, GRACE);
            return 0;
        }
        if (shareGroup != null) {
            var config = shareConfig(values, shareGroup);
            announce(config.client());
            var consumer = new KafkaShareConsumerExample(config, (record, type) -> { });
            GracefulShutdown.run(consumer::run, consumer::stop, GRACE);
            return 0;
        }
        KafkaConsumerConfig config = config(values);
        announce(config.client());
        if (config.concurrency() > 1) {
            var members = new ConsumerThreads(config, Processor.NONE);
            GracefulShutdown.run(members::run, members::stop, GRACE);
        } else {
            var consumer = new KafkaConsumerExample(config, Processor.NONE);
            GracefulShutdown.run(consumer::run, consumer::stop, GRACE);
        }
        return 0;
    }

    private static void announce(KafkaClientConfig client) {
        if (!client.isEmpty()) {
            Log.forProgram("kafka-consumer").info(client.describe()); // secrets as ****
        }
    }

    private static KafkaClientConfig client(Values v) {
        return KafkaClientConfig.from(v, Log.forProgram("kafka-consumer"));
    }

    static KafkaConsumerConfig config(Values v) {
        Duration retryDelay = v.duration("retry-delay");
        if (retryDelay.isNegative()) {
            throw v.invalid("retry-delay", "a duration of 0 or more");
        }
        return KafkaConsumerConfig.builder(v.string("bootstrap-servers"), v.string("topic"), v.string("group"))
                .maxMessages(v.integer("max-messages", 0, Integer.MAX_VALUE))
                .work(SimulatedWork.from(v))
                .maxAttempts(v.integer("max-attempts", 1, 1_000))
                .retryDelay(retryDelay)
                .commit(v.choice("commit", CommitMode.class))
                .logMessages(v.bool("log-messages"))
                .maxPollRecords(v.integer("max-poll-records", 1, 100_000))
                .commitInterval(v.duration("commit-interval"))
                .concurrency(v.integer("concurrency", 1, 1_000))
                .client(client(v))
                .isolation(v.choice("isolation", "read_committed", "read_uncommitted"))
                .build();
    }

    /** --output-topic: the transactional step, and the settings that do not combine with it, refused by name. */
    static TransactionalStep.Config stepConfig(Values v, String outputTopic) {
        String id = v.optional("transactional-id").filter(s -> !s.isBlank()).orElseThrow(() -> new UsageException(
                "--output-topic needs --transactional-id: an id of this step, the same for every restart of it"));
        if (v.optional("share-group").filter(s -> !s.isBlank()).isPresent()) {
            throw new UsageException("--output-topic does not combine with --share-group: a share group cannot"
                    + " commit offsets in a transaction");
        }
        if (v.integer("concurrency", 1, 1_000) > 1) {
            throw v.invalid("concurrency", "1 with --output-topic (one transactional id per process: start more"
                    + " processes, each with an id of its own)");
        }
        if (!v.string("isolation").equals("read_committed")) {
            throw v.invalid("isolation", "read_committed with --output-topic (the step reads only committed input)");
        }
        if (outputTopic.equals(v.string("topic"))) {
            throw v.invalid("output-topic", "a topic other than --topic");
        }
        KafkaConsumerConfig c = config(v);
        return new TransactionalStep.Config(c.bootstrapServers(), c.topic(), c.group(), outputTopic, id,
                c.maxPollRecords(), c.maxMessages(), c.work(), c.maxAttempts(), c.logMessages(), c.client());
    }

    static KafkaShareConsumerExample.Config shareConfig(Values v, String shareGroup) {
        // A share group already spreads records over its members, one by one; this program runs one share member
        // per process (start more processes for more), so --concurrency is refused rather than quietly ignored.
        if (v.integer("concurrency", 1, 1_000) > 1) {
            throw v.invalid("concurrency", "1 with --share-group (one share-group member per process: start more"
                    + " processes)");
        }
        return new KafkaShareConsumerExample.Config(
                v.string("bootstrap-servers"),
                v.string("topic"),
                shareGroup,
                v.integer("max-messages", 0, Integer.MAX_VALUE),
                SimulatedWork.from(v),
                v.integer("max-attempts", 1, 1_000),
                client(v));
    }
}
