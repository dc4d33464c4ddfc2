package io.github.mqexamples.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Kafka: our producer and consumer against the tools of Apache Kafka's own distribution,
 * ProducerPerformance and ConsumerPerformance (kafka-tools), with the same records and client settings.
 */
final class KafkaBenchmarks {

    static final int PARTITIONS = 3;
    static final String LINGER_MS = "5";
    static final String BATCH_SIZE = "65536";
    /** Records per poll for our consumer: Kafka's default, and what ConsumerPerformance gets. */
    static final String MAX_POLL_RECORDS = "500";

    private KafkaBenchmarks() {
    }

    static void run(BenchmarkApp app, String servers) throws Exception {
        int records = app.values().integer("records", 1, Integer.MAX_VALUE);
        String size = String.valueOf(app.size());
        String count = String.valueOf(records);
        Duration timeout = Duration.ofMinutes(10);
        String producerProps = "bootstrap.servers=" + servers;

        int rounds = app.values().integer("kafka-rounds", 1, 100);

        // Each program as a person runs it, with its own defaults: ours keyed records (key-1, key-2, ...) over the
        // topic's 3 partitions with a message id and a send time per record, linger.ms 5 and batch.size 64 KB;
        // ProducerPerformance unkeyed records (sticky batches, one partition at a time) with Kafka's defaults,
        // linger.ms 5 and batch.size 16 KB. Both acks=all and idempotent (Kafka's defaults since 3.0).
        app.compare("Kafka producer, each program's defaults: " + records + " x " + size + " B, acks=all, idempotent,"
                        + " " + PARTITIONS + " partitions (ours keyed, batch.size 65536; reference unkeyed, 16384)", rounds,
                () -> Child.timed("kafka-producer", BenchmarkApp.ours("kafka-producer", "--bootstrap-servers", servers,
                        "--topic", topic(servers), "--count", count, "--size", size, "--log-messages", "false"), timeout,
                        Measure::ours),
                () -> Child.timed("ProducerPerformance", app.reference("org.apache.kafka.tools.ProducerPerformance",
                        "--topic", topic(servers), "--num-records", count, "--record-size", size, "--throughput", "-1",
                        "--producer-props", producerProps), timeout, Measure::producerPerformance));

        // The same client settings on both sides: what is left is the per-record work (ours builds keys, ids and
        // send times; ProducerPerformance its payload) and keyed against sticky partitioning.
        app.compare("Kafka producer, the same settings: " + records + " x " + size + " B, acks=all, idempotent,"
                        + " linger.ms " + LINGER_MS + ", batch.size " + BATCH_SIZE + ", " + PARTITIONS + " partitions", rounds,
                () -> Child.timed("kafka-producer", BenchmarkApp.ours("kafka-producer",
                        "--bootstrap-servers", servers, "--topic", topic(servers), "--partitions", String.valueOf(PARTITIONS),
                        "--count", count, "--size", size, "--linger-ms", LINGER_MS, "--batch-size", BATCH_SIZE,
                        "--log-messages", "false"), timeout, Measure::ours),
                () -> Child.timed("ProducerPerformance",
                        app.reference("org.apache.kafka.tools.ProducerPerformance", "--topic", topic(servers),
                                "--num-records", count, "--record-size", size, "--throughput", "-1",
                                "--producer-props", producerProps, "acks=all", "enable.idempotence=true",
                                "linger.ms=" + LINGER_MS, "batch.size=" + BATCH_SIZE), timeout,
                        Measure::producerPerformance));

        // Ours with the three flags of its throughput mode (docs/kafka.md: its defaults, 10 records per poll and a
        // synchronous commit after each, are for slow processing) and its defaults otherwise (3 attempts, so it reads
        // <topic>.retry too); ConsumerPerformance with its own defaults (500 records per poll, auto-commit every
        // 5 s). Both have a 2 MB socket receive buffer: ConsumerPerformance's default, ours since it measured 15-20%
        // faster than Kafka's 64 KB.
        app.compare("Kafka consumer: reading " + records + " x " + size + " B (ours --max-poll-records "
                        + MAX_POLL_RECORDS + " --commit async --commit-interval 1s; reference: its defaults)", rounds,
                () -> {
                    String topic = filled(app, servers, count, size, timeout);
                    return Child.timed("kafka-consumer", BenchmarkApp.ours("kafka-consumer",
                            "--bootstrap-servers", servers, "--topic", topic, "--group", "bench-" + topic,
                            "--max-messages", count, "--max-poll-records", MAX_POLL_RECORDS, "--commit", "async",
                            "--commit-interval", "1s", "--log-messages", "false"), timeout, Measure::ours);
                },
                () -> {
                    String topic = filled(app, servers, count, size, timeout);
                    return Child.timed("ConsumerPerformance", app.reference("org.apache.kafka.tools.ConsumerPerformance",
                            "--bootstrap-server", servers, "--topic", topic, "--messages", count, "--group",
                            "bench-" + topic), timeout, Measure::consumerPerformance);
                });

        // The transactional step (a consumer that writes each record to another topic, output and offsets committed
        // in one transaction per poll) against the plain consumer reading the same records: what exactly-once costs.
        String stepCount = String.valueOf(Math.max(1, records / 10));
        app.compare("Kafka transactional step: " + stepCount + " x " + size + " B read, transformed and written, "
                        + MAX_POLL_RECORDS + " records per transaction (reference: the plain consumer, reading only)", rounds,
                () -> {
                    String topic = filled(app, servers, stepCount, size, timeout);
                    return Measure.ours(Child.run("kafka-consumer", BenchmarkApp.ours("kafka-consumer",
                            "--bootstrap-servers", servers, "--topic", topic, "--group", "bench-" + topic,
                            "--max-messages", stepCount, "--max-poll-records", MAX_POLL_RECORDS, "--output-topic",
                            topic + "-out", "--transactional-id", "bench-" + topic, "--log-messages", "false"), timeout));
                },
                () -> {
                    String topic = filled(app, servers, stepCount, size, timeout);
                    return Measure.ours(Child.run("kafka-consumer", BenchmarkApp.ours("kafka-consumer",
                            "--bootstrap-servers", servers, "--topic", topic, "--group", "bench-" + topic,
                            "--max-messages", stepCount, "--max-poll-records", MAX_POLL_RECORDS, "--commit", "async",
                            "--commit-interval", "1s", "--max-attempts", "1", "--log-messages", "false"), timeout));
                });

        int rate = app.values().integer("rate", 1, Integer.MAX_VALUE);
        String latencyCount = String.valueOf(app.values().integer("latency-messages", 1, Integer.MAX_VALUE));
        app.compare("Kafka at " + rate + " msg/s: latency (ours: end to end; reference: send to ack)", rounds,
                () -> {
                    String topic = topic(servers);
                    Child consumer = Child.start("kafka-consumer", BenchmarkApp.ours("kafka-consumer",
                            "--bootstrap-servers", servers, "--topic", topic, "--group", "bench-" + topic,
                            "--max-messages", latencyCount, "--max-poll-records", MAX_POLL_RECORDS, "--commit", "async",
                            "--commit-interval", "1s", "--max-attempts", "1", "--log-messages", "false"));
                    consumer.awaitOutput("assigned partitions", timeout);
                    Child.run("kafka-producer", BenchmarkApp.ours("kafka-producer", "--bootstrap-servers", servers,
                            "--topic", topic, "--count", latencyCount, "--size", size, "--rate", String.valueOf(rate),
                            "--linger-ms", LINGER_MS, "--batch-size", BATCH_SIZE, "--log-messages", "false"), timeout);
                    return Measure.ours(consumer.await(timeout));
                },
                () -> Measure.producerPerformance(Child.run("ProducerPerformance",
                        app.reference("org.apache.kafka.tools.ProducerPerformance", "--topic", topic(servers),
                                "--num-records", latencyCount, "--record-size", size, "--throughput", String.valueOf(rate),
                                "--producer-props", producerProps, "acks=all", "enable.idempotence=true",
                                "linger.ms=" + LINGER_MS, "batch.size=" + BATCH_SIZE), timeout)));
    }

    /**
     * What --threads (one producer, shared) and --concurrency (a consumer per thread, 3 partitions) give with 1, 2, 4
     * threads, ours only; the consumer without work and with 1 ms of work per record.
     */
    static void threads(BenchmarkApp app, String servers) throws Exception {
        int records = app.values().integer("records", 1, Integer.MAX_VALUE);
        String workRecords = String.valueOf(app.values().integer("work-messages", 1, Integer.MAX_VALUE));
        String size = String.valueOf(app.size());
        String count = String.valueOf(records);
        Duration timeout = Duration.ofMinutes(10);
        List<String> threadCounts = app.values().list("threads");
        for (String n : threadCounts) {
            app.compare("Kafka producer --threads " + n + ": " + records + " x " + size + " B, one producer, linger.ms "
                    + LINGER_MS + ", batch.size " + BATCH_SIZE, () -> Measure.ours(Child.run("kafka-producer",
                    BenchmarkApp.ours("kafka-producer", "--bootstrap-servers", servers, "--topic", topic(servers),
                            "--count", count, "--size", size, "--linger-ms", LINGER_MS, "--batch-size", BATCH_SIZE,
                            "--threads", n, "--log-messages", "false"), timeout)), null);
        }
        for (String work : List.of("0", "1")) {
            String total = work.equals("0") ? count : workRecords;
            for (String n : threadCounts) {
                app.compare("Kafka consumer --concurrency " + n + ": reading " + total + " x " + size + " B, "
                        + (work.equals("0") ? "no work" : work + " ms of work per record") + ", " + PARTITIONS
                        + " partitions", () -> {
                            String topic = filled(app, servers, total, size, timeout);
                            return Measure.ours(Child.run("kafka-consumer", BenchmarkApp.ours("kafka-consumer",
                                    "--bootstrap-servers", servers, "--topic", topic, "--group", "bench-" + topic,
                                    "--max-messages", total, "--max-poll-records", MAX_POLL_RECORDS, "--commit", "async",
                                    "--commit-interval", "1s", "--max-attempts", "1", "--concurrency", n,
                                    "--work-ms", work, "--log-messages", "false"), timeout));
                        }, null);
            }
        }
    }

    /** A new topic with {@link #PARTITIONS} partitions. */
    private static String topic(String servers) throws Exception {
        String topic = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        return topic;
    }

    /** A new topic holding {@code count} records, written by our producer (the same input for both consumers). */
    private static String filled(BenchmarkApp app, String servers, String count, String size, Duration timeout)
            throws Exception {
        String topic = topic(servers);
        Child.run("prefill", BenchmarkApp.ours("kafka-producer", "--bootstrap-servers", servers, "--topic", topic,
                "--count", count, "--size", size, "--linger-ms", LINGER_MS, "--batch-size", BATCH_SIZE,
                "--log-messages", "false"), timeout);
        return topic;
    }
}
