package io.github.mqexamples.brokers;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * One broker of a {@link LocalKafkaCluster} in a JVM of its own, so that it can die the way a real broker does:
 * {@code kill -9}, with no shutdown at all. {@code java -cp <classpath> io.github.mqexamples.brokers.KafkaBrokerProcess
 * <broker.properties>}; SIGTERM is a controlled shutdown, as for {@code kafka-server-start.sh}.
 */
public final class KafkaBrokerProcess {

    private KafkaBrokerProcess() {
    }

    /** Broker processes still alive when this JVM exits (a test that failed before close()) are killed. */
    private static final List<Process> CHILDREN = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> CHILDREN.stream().filter(Process::isAlive)
                .forEach(Process::destroyForcibly), "kill-kafka-broker-processes"));
    }

    /**
     * Starts a broker with {@code properties} in a child JVM on this JVM's class path, its output appended to
     * {@code log}. It is killed when this JVM exits, and halts by itself if this JVM is killed.
     */
    static Process start(Properties properties, Path config, Path log) {
        try {
            try (var out = Files.newOutputStream(config)) {
                properties.store(out, "mq-examples local Kafka: a broker in its own JVM");
            }
            // Small and quick to start: a test broker holds a few partitions; C1 alone starts it sooner.
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), KafkaBrokerProcess.class.getName(), config.toString());
            File logFile = log.toFile();
            // stdin stays a pipe from this JVM: the child halts when it closes, so no broker outlives us.
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile)).start();
            CHILDREN.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL, like {@code kill -9}: no shutdown at all. Returns once the process is gone. */
    static void kill(Process process) {
        process.destroyForcibly();
        awaitExit(process, Duration.ofSeconds(30));
    }

    /** SIGTERM, a controlled shutdown; SIGKILL if it takes longer than {@code timeout}. */
    static void stop(Process process, Duration timeout) {
        process.destroy();
        awaitExit(process, timeout);
    }

    private static void awaitExit(Process process, Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        CHILDREN.remove(process);
    }

    public static void main(String[] args) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            properties.load(in);
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
        }, "broker-controlled-shutdown"));
        server.startup();
        // The JVM that started this one holds our stdin open; end of input means it is gone (even killed), and a
        // broker left behind would hold its ports and files. A controlled shutdown needs the controller, which
        // lived in that JVM, so halt instead of waiting for it.
        Thread orphaned = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // nothing is sent on stdin; read until it closes
                }
            } catch (IOException e) {
                // closed as well
            }
            Runtime.getRuntime().halt(1);
        }, "parent-watch");
        orphaned.setDaemon(true);
        orphaned.start();
        server.awaitShutdown();
    }
}
