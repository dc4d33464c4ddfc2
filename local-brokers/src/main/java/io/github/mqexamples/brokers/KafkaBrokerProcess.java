package io.github.mqexamples.brokers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
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
