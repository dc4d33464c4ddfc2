package io.github.mqexamples.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.github.mqexamples.brokers.LocalKafka;
import io.github.mqexamples.brokers.LocalRabbitMq;
import io.github.mqexamples.common.Cli;
import io.github.mqexamples.common.Log;
import io.github.mqexamples.common.Settings;
import io.github.mqexamples.common.Values;
import io.github.mqexamples.common.rabbitmq.AmqpUrl;
import io.github.mqexamples.common.rabbitmq.RabbitMqConnections;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;

/**
 * Runs each of our programs and the brokers' own benchmark tool alternately, several rounds, on the same local
 * brokers with the same settings and a 256 MB heap each, and prints (and writes as Markdown) a table of the
 * medians: msg/s, MB/s, latency p50/p99, and the ratio ours / reference; next to it, the same as SVG charts
 * ({@link Charts}): throughput with the spread of the rounds, and the latency percentiles p50 to p99.9.
 */
public final class BenchmarkApp {

    static final Settings SETTINGS = new Settings("benchmarks",
            "Benchmarks the programs against PerfTest (RabbitMQ) and ProducerPerformance/ConsumerPerformance (Kafka).")
            .add("rounds", "BENCH_ROUNDS", "3", "rounds of each comparison (ours and the reference alternately; who goes first alternates too)")
            .add("kafka-rounds", "BENCH_KAFKA_ROUNDS", "5", "rounds of each Kafka comparison (their single rounds"
                    + " spread the most: the median of 5)")
            .add("only", "BENCH_ONLY", "all", "all (every comparison with the reference tools), rabbitmq, kafka, or"
                    + " threads: instead, what --threads and --concurrency give with 1, 2, 4 threads, both brokers")
            .add("threads", "BENCH_THREADS", "1,2,4", "thread counts of the --threads / --concurrency runs")
            .add("work-messages", "BENCH_WORK_MESSAGES", "10000", "messages of the consumer runs with 1 ms of work"
                    + " per message")
            .add("messages", "BENCH_MESSAGES", "100000", "messages per RabbitMQ throughput run")
            .add("drain-messages", "BENCH_DRAIN_MESSAGES", "1000000",
                    "messages of the long RabbitMQ consumer run (steady state); 0 = skip it")
            .add("records", "BENCH_RECORDS", "1000000", "records per Kafka run")
            .add("size", "BENCH_SIZE", "1000", "message size in bytes")
            .add("window", "BENCH_WINDOW", "500", "unconfirmed messages in flight (RabbitMQ producers)")
            .add("prefetch", "BENCH_PREFETCH", "200", "consumer prefetch (RabbitMQ)")
            .add("ack-every", "BENCH_ACK_EVERY", "25", "messages per consumer ack, multiple=true (RabbitMQ; our default)")
            .add("rate", "BENCH_RATE", "1000", "msg/s of the fixed-rate latency runs")
            .add("latency-messages", "BENCH_LATENCY_MESSAGES", "20000", "messages per latency run")
            .add("output", "BENCH_OUTPUT", "target/benchmarks.md", "where the Markdown table goes");

    private final Logger log = Log.forProgram("benchmarks");
    private final List<Row> rows = new ArrayList<>();
    private final List<String> referenceClasspath;
    private Values v;
    private int size;

    private BenchmarkApp(List<String> referenceClasspath) {
        this.referenceClasspath = referenceClasspath;
    }

    public static void main(String[] args) {
        if (System.getenv("LOG_LEVEL") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.kafka", "error");
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        }
        Cli.main(SETTINGS, args, values -> {
            String cp = Files.readString(Path.of("benchmarks/target/reference-classpath.txt")).trim();
            return new BenchmarkApp(List.of(cp)).run(values);
        });
    }

    /** One line of the table: the runs of ours and of the reference tool. */
    record Row(String scenario, List<Measure> ours, List<Measure> reference, boolean latency) {
    }

    private int run(Values values) throws Exception {
        this.v = values;
        this.size = v.integer("size", 1, 10_000_000);
        String only = v.choice("only", "all", "rabbitmq", "kafka", "threads");
        if (!only.equals("kafka")) {
            try (LocalRabbitMq rabbit = LocalRabbitMq.launch()) {
                if (only.equals("threads")) {
                    rabbitMqThreads(rabbit.amqpUrl());
                } else {
                    rabbitMq(rabbit.amqpUrl());
                }
            }
        }
        if (!only.equals("rabbitmq")) {
            try (LocalKafka kafka = LocalKafka.launch()) {
                if (only.equals("threads")) {
                    KafkaBenchmarks.threads(this, kafka.bootstrapServers());
                } else {
                    KafkaBenchmarks.run(this, kafka.bootstrapServers());
                }
            }
        }
        String table = table();
        System.out.println();
        System.out.println(table);
        Path output = Path.of(v.string("output"));
        Files.createDirectories(output.toAbsolutePath().getParent());
        // The pictures go next to the table, and the table shows them.
        String name = output.getFileName().toString().replaceFirst("\\.md$", "");
        Path throughputChart = output.resolveSibling(name + "-throughput.svg");
        Files.writeString(throughputChart, Charts.throughput(rows));
        table += "\n![Throughput, ours against the reference](" + throughputChart.getFileName() + ")\n";
        if (rows.stream().anyMatch(Row::latency)) {
            Path latencyChart = output.resolveSibling(name + "-latency.svg");
            Files.writeString(latencyChart, Charts.latency(rows));
            table += "\n![Latency percentiles at a fixed rate](" + latencyChart.getFileName() + ")\n";
        }
        Files.writeString(output, table);
        log.info("written to {}, with its charts next to it", output);
        return 0;
    }

    Values values() {
        return v;
    }

    int size() {
        return size;
    }

    Logger log() {
        return log;
    }

    /** Runs {@code ours} and {@code reference} alternately for the configured rounds and adds a row. */
    void compare(String scenario, Run ours, Run reference) throws Exception {
        compare(scenario, v.integer("rounds", 1, 100), ours, reference);
    }

    /** {@link #compare(String, Run, Run)} with its own number of rounds. */
    void compare(String scenario, int rounds, Run ours, Run reference) throws Exception {
        // Latency means something only when producer and consumer run together, at a rate below saturation.
        Row row = new Row(scenario, new ArrayList<>(), new ArrayList<>(), scenario.contains("latency"));
        for (int round = 1; round <= rounds; round++) {
            // Who goes first alternates (ours then the reference, then the other way round): whatever the broker
            // is still busy with from the run before (a quorum queue moving its log into segment files, a deleted
            // queue's files being removed) falls on both sides alike.
            boolean referenceFirst = reference != null && round % 2 == 0;
            if (referenceFirst) {
                measureReference(scenario, round, reference, row);
            }
            Measure o = ours.measure();
            log.info("{} round {}: ours {}", scenario, round, o);
            row.ours().add(o);
            if (reference != null && !referenceFirst) {
                measureReference(scenario, round, reference, row);
            }
        }
        rows.add(row);
    }

    private void measureReference(String scenario, int round, Run reference, Row row) throws Exception {
        Measure r = reference.measure();
        log.info("{} round {}: reference {}", scenario, round, r);
        row.reference().add(r);
    }

    /** One measured run. */
    @FunctionalInterface
    interface Run {
        Measure measure() throws Exception;
    }

    List<String> reference(String mainClass, String... args) {
        List<String> command = Child.java("-cp", String.join(":", referenceClasspath), mainClass);
        command.addAll(List.of(args));
        return command;
    }

    static List<String> ours(String program, String... args) {
        List<String> command = Child.java("-jar", program + "/target/" + program + ".jar");
        command.addAll(List.of(args));
        return command;
    }

    private void rabbitMq(String amqpUrl) throws Exception {
        int messages = v.integer("messages", 1, Integer.MAX_VALUE);
        String window = String.valueOf(v.integer("window", 1, 100_000));
        String prefetch = String.valueOf(v.integer("prefetch", 1, 65_535));
        String sizeArg = String.valueOf(size);
        // PerfTest reads the trailing "/" the Java client's way (vhost ""), so it gets the vhost spelled out.
        String perfTestUrl = amqpUrl + "%2F";
        // Consumers ack in batches (one ack with multiple=true): ours with --ack-every, PerfTest with
        // --multi-ack-every, the same number.
        String ackEvery = String.valueOf(v.integer("ack-every", 1, 65_535));
        Duration timeout = Duration.ofMinutes(10);

        compare("RabbitMQ producer alone: " + messages + " x " + size + " B persistent, quorum queue, confirms,"
                        + " window " + window,
                () -> {
                    String queue = fresh(amqpUrl);
                    return Measure.ours(Child.run("rabbitmq-producer", ours("rabbitmq-producer", "--url", amqpUrl,
                            "--queue", queue, "--count", String.valueOf(messages), "--size", sizeArg,
                            "--confirm-window", window, "--log-messages", "false"), timeout));
                },
                () -> {
                    String queue = fresh(amqpUrl);
                    return Measure.perfTest(Child.run("PerfTest", reference("com.rabbitmq.perf.PerfTest",
                            "-h", perfTestUrl, "-x", "1", "-y", "0", "-s", sizeArg, "-f", "persistent", "-c", window,
                            "-C", String.valueOf(messages), "-u", queue, "-ad", "false",
                            "--queue-args", "x-queue-type=quorum"), timeout), "sending", size);
                });

        // Twice: a short drain, about 2 s here, while the consumer's JVM is still compiling its hot code (on 2 cores
        // the compiler's CPU is time the broker does not get), and a long one for the steady state.
        drainComparison(amqpUrl, messages, ", short (JVM warm-up included)", prefetch, ackEvery, perfTestUrl, timeout);
        int drainMessages = v.integer("drain-messages", 0, Integer.MAX_VALUE);
        if (drainMessages > 0) {
            drainComparison(amqpUrl, drainMessages, ", steady state", prefetch, ackEvery, perfTestUrl, timeout);
        }

        int rate = v.integer("rate", 1, Integer.MAX_VALUE);
        int latencyMessages = v.integer("latency-messages", 1, Integer.MAX_VALUE);
        compare("RabbitMQ producer + consumer at " + rate + " msg/s: end-to-end latency",
                () -> {
                    String queue = fresh(amqpUrl);
                    Child consumer = Child.start("rabbitmq-consumer", ours("rabbitmq-consumer", "--url", amqpUrl,
                            "--queue", queue, "--max-messages", String.valueOf(latencyMessages), "--prefetch", prefetch,
                            "--ack-every", ackEvery, "--log-messages", "false"));
                    consumer.awaitOutput("waiting for messages", timeout);
                    Child.run("rabbitmq-producer", ours("rabbitmq-producer", "--url", amqpUrl, "--queue", queue,
                            "--count", String.valueOf(latencyMessages), "--size", sizeArg, "--rate", String.valueOf(rate),
                            "--confirm-window", window, "--log-messages", "false"), timeout);
                    return Measure.ours(consumer.await(timeout));
                },
                () -> {
                    String queue = fresh(amqpUrl);
                    return Measure.perfTest(Child.run("PerfTest", reference("com.rabbitmq.perf.PerfTest",
                            "-h", perfTestUrl, "-x", "1", "-y", "1", "-r", String.valueOf(rate), "-s", sizeArg,
                            "-f", "persistent", "-c", window, "-q", prefetch, "--multi-ack-every", ackEvery,
                            "-C", String.valueOf(latencyMessages),
                            "-D", String.valueOf(latencyMessages), "-u", queue, "-ad", "false",
                            "--queue-args", "x-queue-type=quorum"), timeout), "receiving", size);
                });

        // The three confirm strategies of the RabbitMQ tutorial, ours only.
        int fewer = Math.max(1, messages / 10);
        for (String[] strategy : new String[][] {{"individual", String.valueOf(fewer)}, {"batch", String.valueOf(messages)},
            {"async", String.valueOf(messages)}}) {
            compare("RabbitMQ confirms " + strategy[0] + ": " + strategy[1] + " x " + size + " B", () -> {
                String queue = fresh(amqpUrl);
                return Measure.ours(Child.run("rabbitmq-producer", ours("rabbitmq-producer", "--url", amqpUrl,
                        "--queue", queue, "--count", strategy[1], "--size", sizeArg, "--confirm", strategy[0],
                        "--batch-size", "100", "--confirm-window", window, "--log-messages", "false"), timeout));
            }, null);
        }
    }

    /**
     * What one connection with 1, 2, 4 channels gives (ours only): the producer's --threads, and the consumer's
     * --concurrency draining a queue, without work (the broker's limit) and with 1 ms of work per message (what
     * spreading slow processing over channels buys).
     */
    private void rabbitMqThreads(String amqpUrl) throws Exception {
        int messages = v.integer("messages", 1, Integer.MAX_VALUE);
        int workMessages = v.integer("work-messages", 1, Integer.MAX_VALUE);
        String window = String.valueOf(v.integer("window", 1, 100_000));
        String prefetch = String.valueOf(v.integer("prefetch", 1, 65_535));
        String sizeArg = String.valueOf(size);
        Duration timeout = Duration.ofMinutes(10);
        for (int threads : v.list("threads").stream().map(Integer::parseInt).toList()) {
            String n = String.valueOf(threads);
            compare("RabbitMQ producer --threads " + n + ": " + messages + " x " + size + " B persistent, quorum"
                    + " queue, confirms, window " + window + " per channel", () -> {
                        String queue = fresh(amqpUrl);
                        return Measure.ours(Child.run("rabbitmq-producer", ours("rabbitmq-producer", "--url", amqpUrl,
                                "--queue", queue, "--count", String.valueOf(messages), "--size", sizeArg,
                                "--confirm-window", window, "--threads", n, "--log-messages", "false"), timeout));
                    }, null);
        }
        for (String work : List.of("0", "1")) {
            int count = work.equals("0") ? messages : workMessages;
            for (int threads : v.list("threads").stream().map(Integer::parseInt).toList()) {
                String n = String.valueOf(threads);
                compare("RabbitMQ consumer --concurrency " + n + ": draining " + count + " x " + size + " B, "
                        + (work.equals("0") ? "no work" : work + " ms of work per message") + ", prefetch " + prefetch
                        + " per channel; rate: the queue's drain", () -> {
                            String queue = prefilled(amqpUrl, count, timeout);
                            return drained(amqpUrl, queue, count, () -> Measure.ours(Child.run("rabbitmq-consumer",
                                    ours("rabbitmq-consumer", "--url", amqpUrl, "--queue", queue, "--max-messages",
                                            String.valueOf(count), "--prefetch", prefetch, "--concurrency", n,
                                            "--work-ms", work, "--log-messages", "false"), timeout)));
                        }, null);
            }
        }
    }

    /** Our consumer and PerfTest, alternately, each draining a queue pre-filled with {@code messages}. */
    private void drainComparison(String amqpUrl, int messages, String label, String prefetch, String ackEvery,
                                 String perfTestUrl, Duration timeout) throws Exception {
        compare("RabbitMQ consumer alone" + label + ": draining " + messages + " x " + size + " B, manual ack every "
                        + ackEvery + " messages, prefetch " + prefetch + "; rate: the queue's drain, polled on the broker",
                () -> {
                    String queue = prefilled(amqpUrl, messages, timeout);
                    return drained(amqpUrl, queue, messages, () -> Measure.ours(Child.run("rabbitmq-consumer",
                            ours("rabbitmq-consumer", "--url", amqpUrl, "--queue", queue, "--max-messages",
                                    String.valueOf(messages), "--prefetch", prefetch, "--ack-every", ackEvery,
                                    "--log-messages", "false"), timeout)));
                },
                () -> {
                    String queue = prefilled(amqpUrl, messages, timeout);
                    return drained(amqpUrl, queue, messages, () -> Measure.perfTest(Child.run("PerfTest",
                            reference("com.rabbitmq.perf.PerfTest", "-h", perfTestUrl, "-x", "0", "-y", "1", "-q",
                                    prefetch, "--multi-ack-every", ackEvery, "-u", queue, "-p", "-D",
                                    String.valueOf(messages)), timeout), "receiving", size));
                });
    }

    /**
     * Runs a consumer on a pre-filled queue; its rate is how fast the broker saw the queue drain
     * ({@link QueueDrainClock}), the same clock for ours and PerfTest. The consumer's own figure is logged.
     */
    private Measure drained(String amqpUrl, String queue, int messages, Run consumer) throws Exception {
        try (QueueDrainClock clock = new QueueDrainClock(amqpUrl, queue, messages)) {
            Measure own = consumer.measure();
            double rate = clock.messagesPerSecond();
            log.info("the consumer's own figure: {} msg/s; the queue drained at {} msg/s",
                    String.format(Locale.ROOT, "%.0f", own.msgPerSec()), String.format(Locale.ROOT, "%.0f", rate));
            return own.withRate(rate, rate * size / 1e6);
        }
    }

    /** A new queue name; the previous run's queues are deleted so every run starts from an empty broker. */
    private String fresh(String amqpUrl) throws Exception {
        deleteBenchmarkQueues(amqpUrl);
        String queue = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        created.add(queue);
        return queue;
    }

    private String prefilled(String amqpUrl, int messages, Duration timeout) throws Exception {
        String queue = fresh(amqpUrl);
        Child.run("prefill", ours("rabbitmq-producer", "--url", amqpUrl, "--queue", queue, "--count",
                String.valueOf(messages), "--size", String.valueOf(size), "--confirm-window", "500",
                "--log-messages", "false"), timeout);
        // A quorum queue goes on moving what was just confirmed from its write-ahead log into segment files for
        // a few seconds. A consumer started at once competes with that: the broker's CPU time during a drain went
        // from 2.2-3.1 s to 5-7 s in some runs, and with it the rate. Both consumers start after the same pause.
        Thread.sleep(PREFILL_SETTLE.toMillis());
        return queue;
    }

    static final Duration PREFILL_SETTLE = Duration.ofSeconds(4);

    private final List<String> created = new ArrayList<>();

    private void deleteBenchmarkQueues(String amqpUrl) throws Exception {
        try (Connection c = RabbitMqConnections.connect(AmqpUrl.parse(amqpUrl, "url"), "benchmarks");
             Channel ch = c.createChannel()) {
            for (String q : created) {
                ch.queueDelete(q);
                ch.queueDelete(q + ".dlq");
                ch.queueDelete(q + ".retry"); // declared by our consumer (its delayed retries)
            }
        }
        created.clear();
    }

    private String table() {
        StringBuilder t = new StringBuilder();
        t.append("| scenario | ours msg/s | reference msg/s | ours / reference | ours MB/s | reference MB/s |"
                + " ours p50 / p99 ms | reference p50 / p99 ms | whole process s: ours / reference (reference / ours) |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            double ours = Measure.median(row.ours(), Measure::msgPerSec);
            double ref = Measure.median(row.reference(), Measure::msgPerSec);
            t.append("| ").append(row.scenario())
                    .append(" | ").append(Measure.format(ours, "%.0f"))
                    .append(" | ").append(Measure.format(ref, "%.0f"))
                    .append(" | ").append(Measure.format(ours / ref, "%.2fx"))
                    .append(" | ").append(Measure.format(Measure.median(row.ours(), Measure::mbPerSec), "%.1f"))
                    .append(" | ").append(Measure.format(Measure.median(row.reference(), Measure::mbPerSec), "%.1f"))
                    .append(" | ").append(row.latency() ? latency(row.ours()) : "–")
                    .append(" | ").append(row.latency() ? latency(row.reference()) : "–")
                    .append(" | ").append(processSeconds(row))
                    .append(" |\n");
        }
        java.util.TreeSet<Integer> counts = new java.util.TreeSet<>(rows.stream().map(r -> r.ours().size()).toList());
        t.append(String.format(Locale.ROOT, "%nMedians of %s rounds%s; every program and tool ran with -Xmx256m. Whole"
                        + " process: from starting the JVM to its exit, as a person timing the command sees it; a"
                        + " ratio above 1.00x means ours took less time.%n",
                counts.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(" or ")),
                counts.size() > 1 ? " (Kafka rows: " + v.integer("kafka-rounds", 1, 100) + ")" : ""));
        return t.toString();
    }

    /** "5.79 / 6.94 (1.20x)": median whole-process seconds and the reference's time over ours; "–" if not measured. */
    private static String processSeconds(Row row) {
        double ours = Measure.median(row.ours(), Measure::processSeconds);
        double ref = Measure.median(row.reference(), Measure::processSeconds);
        if (Double.isNaN(ours) || Double.isNaN(ref)) {
            return "–";
        }
        return Measure.format(ours, "%.2f") + " / " + Measure.format(ref, "%.2f") + " (" + Measure.format(ref / ours,
                "%.2fx") + ")";
    }

    private static String latency(List<Measure> runs) {
        double p50 = Measure.median(runs, Measure::p50Ms);
        double p99 = Measure.median(runs, Measure::p99Ms);
        return Double.isNaN(p50) ? "–" : Measure.format(p50, "%.2f") + " / " + Measure.format(p99, "%.2f");
    }
}
