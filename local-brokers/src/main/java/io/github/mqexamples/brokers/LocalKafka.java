package io.github.mqexamples.brokers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool$;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka (KRaft, broker and controller in one) running in this JVM from the Maven Central
 * jars: the same broker code a Kafka distribution runs, with its data in a temporary directory.
 * {@link #stop()} and {@link #start()} restart it on the same data and ports; {@link #close()} also deletes it.
 */
public final class LocalKafka implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final String advertisedHost;
    private final boolean temporary;
    private KafkaRaftServer server;

    private LocalKafka(Path dataDir, boolean temporary, int port, int controllerPort, String advertisedHost) {
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.port = port;
        this.controllerPort = controllerPort;
        this.advertisedHost = advertisedHost;
    }

    /** Formats a new temporary data directory and starts the broker; {@code port} 0 picks a free port. */
    public static LocalKafka launch(int port, String advertisedHost) {
        return launch(port, advertisedHost, null);
    }

    /**
     * Starts a broker keeping its data in {@code dataDir} (null: a temporary directory, deleted by
     * {@link #close()}). Started again on the same directory and port, it has the same topics, records and
     * committed offsets.
     */
    public static LocalKafka launch(int port, String advertisedHost, Path dataDir) {
        try {
            Path dir = dataDir == null ? Files.createTempDirectory("mq-examples-kafka-")
                    : Files.createDirectories(dataDir.resolve("kafka"));
            // The controller's port is part of the cluster's identity: keep it with the data.
            Path controllerPortFile = dir.resolve("controller.port");
            int controllerPort = Files.exists(controllerPortFile)
                    ? Integer.parseInt(Files.readString(controllerPortFile).trim()) : FreePorts.next();
            Files.writeString(controllerPortFile, String.valueOf(controllerPort));
            LocalKafka kafka = new LocalKafka(dir, dataDir == null, port == 0 ? FreePorts.next() : port, controllerPort,
                    advertisedHost);
            if (!Files.exists(dir.resolve("logs").resolve("meta.properties"))) {
                kafka.format();
            }
            kafka.start();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** On free ports, advertised as 127.0.0.1: for tests. */
    public static LocalKafka launch() {
        return launch(0, "127.0.0.1");
    }

    public String bootstrapServers() {
        return advertisedHost + ":" + port;
    }

    /** Where the broker keeps its partitions (log.dirs): a directory per partition, such as topic-0. */
    public Path logDir() {
        return dataDir.resolve("logs");
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + advertisedHost + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir().toString());
        // One broker: every internal topic can have one copy only.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Topics created on first use (a consumer started before any producer) get the partitions the
        // producer would have created, as in docker-compose.yml.
        p.put("num.partitions", "3");
        // A new group starts at once instead of waiting 3 s for more members.
        p.put("group.initial.rebalance.delay.ms", "0");
        return p;
    }

    private void format() throws IOException {
        Path config = dataDir.resolve("server.properties");
        try (var out = Files.newOutputStream(config)) {
            properties().store(out, "mq-examples local Kafka");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int code = StorageTool$.MODULE$.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(),
                "-c", config.toString()}, new PrintStream(output, true, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new IllegalStateException("formatting Kafka storage failed: " + output);
        }
    }

    /** Starts (or restarts) the broker and waits until it answers. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        server = new KafkaRaftServer(KafkaConfig.fromProps(properties(), false), Time.SYSTEM);
        server.startup();
        awaitReady(Duration.ofSeconds(60));
    }

    private void awaitReady(Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(p)) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
            }
        }
        throw new IllegalStateException("Kafka on port " + port + " did not become ready in " + timeout, last);
    }

    /** Stops the broker, keeping its data for {@link #start()}. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
        if (temporary) {
            Directories.deleteRecursively(dataDir);
        }
    }
}
