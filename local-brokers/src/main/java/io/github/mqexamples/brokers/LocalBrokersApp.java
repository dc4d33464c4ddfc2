package io.github.mqexamples.brokers;

import io.github.mqexamples.common.Cli;
import io.github.mqexamples.common.GracefulShutdown;
import io.github.mqexamples.common.Log;
import io.github.mqexamples.common.Settings;
import io.github.mqexamples.common.Values;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;

/**
 * Real brokers without Docker, for people: a RabbitMQ node (with the management UI) and a Kafka broker on
 * the usual ports, until Ctrl-C. A broker already answering on its port is reused rather than started.
 *
 * <pre>java -jar local-brokers/target/local-brokers.jar</pre>
 */
public final class LocalBrokersApp {

    static final Settings SETTINGS = new Settings("local-brokers",
            "Starts a real RabbitMQ node (from the installed rabbitmq-server) and a real Kafka broker, until Ctrl-C.")
            .add("rabbitmq-port", "LOCAL_RABBITMQ_PORT", "5672", "AMQP port; 0 = any free port")
            .add("management-port", "LOCAL_RABBITMQ_MANAGEMENT_PORT", "15672", "management UI port; 0 = any free port")
            .add("kafka-port", "LOCAL_KAFKA_PORT", "9092", "Kafka port; 0 = any free port")
            .add("data-dir", "LOCAL_BROKERS_DATA_DIR", null, "keep the brokers' data here, to stop and start them"
                    + " again with their queues, topics and messages; none = a temporary directory, deleted on exit")
            .add("tls", "LOCAL_BROKERS_TLS", "false", "also TLS, with a throwaway CA and certificates in the data"
                    + " directory (a bare --tls means true): RabbitMQ answers amqps on --rabbitmq-tls-port; Kafka gets a"
                    + " SASL_SSL port (the Kafka port + 1), users alice and bob, and a client.properties for --client-config")
            .add("rabbitmq-tls-port", "LOCAL_RABBITMQ_TLS_PORT", "5671", "with --tls, RabbitMQ's amqps port; 0 = any free"
                    + " port")
            .add("env-file", "LOCAL_BROKERS_ENV_FILE", null, "also write RABBITMQ_URL=... and KAFKA_BOOTSTRAP_SERVERS=..."
                    + " to this file once both are ready");

    private LocalBrokersApp() {
    }

    public static void main(String[] args) {
        if (System.getenv("LOG_LEVEL") == null) {
            // The Kafka broker logs a great deal at INFO and WARN; only its errors belong in this terminal.
            System.setProperty("org.slf4j.simpleLogger.log.kafka", "error");
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        }
        Cli.main(SETTINGS, bareTls(args), LocalBrokersApp::run);
    }

    /** {@code --tls} alone, as a switch, is {@code --tls=true}: every other setting takes a value. */
    static String[] bareTls(String[] args) {
        String[] out = args.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i].equals("--tls") && (i + 1 == out.length || out[i + 1].startsWith("--"))) {
                out[i] = "--tls=true";
            }
        }
        return out;
    }

    private static int run(Values v) throws Exception {
        Logger log = Log.forProgram("local-brokers");
        int rabbitPort = v.integer("rabbitmq-port", 0, 65535);
        int managementPort = v.integer("management-port", 0, 65535);
        int kafkaPort = v.integer("kafka-port", 0, 65535);
        Path dataDir = v.optional("data-dir").filter(d -> !d.isEmpty()).map(Path::of).orElse(null);
        List<AutoCloseable> started = new ArrayList<>();
        CountDownLatch stop = new CountDownLatch(1);
        GracefulShutdown shutdown = GracefulShutdown.install(stop::countDown, Duration.ofSeconds(90));
        try {
            String rabbitUrl;
            if (v.bool("tls")) {
                rabbitUrl = rabbitTls(v, log, dataDir, started, rabbitPort, managementPort);
            } else if (rabbitPort != 0 && FreePorts.answers("localhost", rabbitPort)) {
                rabbitUrl = "amqp://guest:guest@localhost:" + rabbitPort + "/";
                log.info("RabbitMQ: a broker already answers on localhost:{}; using it (not started here)", rabbitPort);
            } else {
                long t0 = System.nanoTime();
                LocalRabbitMq rabbit = LocalRabbitMq.launch(rabbitPort, managementPort, dataDir);
                started.add(rabbit);
                rabbitUrl = "amqp://guest:guest@localhost:" + rabbit.amqpPort() + "/";
                log.info("RabbitMQ: started a private node in {} s: {}, management UI {} (guest/guest)",
                        seconds(t0), rabbitUrl.replace("guest:guest@", "guest:****@"),
                        rabbit.managementUrl().replace("127.0.0.1", "localhost"));
            }
            String kafkaServers;
            if (kafkaPort != 0 && FreePorts.answers("localhost", kafkaPort)) {
                kafkaServers = "localhost:" + kafkaPort;
                log.info("Kafka: a broker already answers on {}; using it (not started here)", kafkaServers);
            } else if (v.bool("tls")) {
                long t0 = System.nanoTime();
                LocalKafkaTls tls = LocalKafkaTls.launch(kafkaPort, "localhost", dataDir);
                started.add(tls);
                kafkaServers = tls.kafka().bootstrapServers();
                log.info("Kafka: started a KRaft broker in {} s: {} (PLAINTEXT), {} (SASL_SSL: SCRAM-SHA-512, ACLs)",
                        seconds(t0), kafkaServers, tls.kafka().secureBootstrapServers());
                log.info("Kafka over TLS as alice (may do anything): --bootstrap-servers {} --client-config {}",
                        tls.kafka().secureBootstrapServers(), tls.clientConfig());
                log.info("Kafka over TLS as bob (topics and groups starting with '{}' only): --bootstrap-servers {}"
                        + " --client-config {}", LocalKafkaTls.BOB_PREFIX, tls.kafka().secureBootstrapServers(),
                        tls.limitedClientConfig());
            } else {
                long t0 = System.nanoTime();
                LocalKafka kafka = LocalKafka.launch(kafkaPort, "localhost", dataDir);
                started.add(kafka);
                kafkaServers = kafka.bootstrapServers();
                log.info("Kafka: started a KRaft broker in {} s: {}", seconds(t0), kafkaServers);
            }
            if (v.optional("env-file").isPresent()) {
                Files.writeString(Path.of(v.optional("env-file").get()),
                        "RABBITMQ_URL=" + rabbitUrl + "\nKAFKA_BOOTSTRAP_SERVERS=" + kafkaServers + "\n");
            }
            log.info("brokers ready. Press Ctrl-C to stop them{}.", dataDir == null ? " (and delete their data)"
                    : "; their data stays in " + dataDir.toAbsolutePath() + " for the next start");
            stop.await();
            return 0;
        } finally {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).close();
            }
            log.info("brokers stopped");
            shutdown.finished();
        }
    }

    /**
     * A private RabbitMQ node with an amqps listener next to the plain one, and what a client needs to use it. Never
     * a broker already on the port (its certificates would not be ours): a busy plain port is replaced by a free one.
     */
    private static String rabbitTls(Values v, Logger log, Path dataDir, List<AutoCloseable> started, int rabbitPort,
            int managementPort) throws Exception {
        Path certDir;
        if (dataDir != null) {
            certDir = dataDir.resolve("certs");
        } else {
            Path temporary = Files.createTempDirectory("mq-examples-certs-");
            started.add(() -> Directories.deleteRecursively(temporary));
            certDir = temporary;
        }
        long t0 = System.nanoTime();
        Certificates certs = Certificates.in(certDir);
        int tlsPort = v.integer("rabbitmq-tls-port", 0, 65535);
        LocalRabbitMq rabbit = LocalRabbitMq.launch(free(rabbitPort), free(managementPort), dataDir,
                LocalRabbitMq.Tls.of(certs).onPort(free(tlsPort)));
        started.add(rabbit);
        log.info("RabbitMQ: started a private node in {} s: amqps://guest:****@localhost:{}/ (TLS) and"
                + " amqp://guest:****@localhost:{}/, management UI http://localhost:{} (guest/guest)", seconds(t0),
                rabbit.amqpsPort(), rabbit.amqpPort(), rabbit.managementPort());
        log.info("RabbitMQ TLS: server authentication: --url amqps://guest:guest@localhost:{}/ --tls-ca-file {}",
                rabbit.amqpsPort(), certs.ca().toAbsolutePath());
        log.info("RabbitMQ TLS: mutual TLS, add: --tls-cert-file {} --tls-key-file {}",
                certs.clientCert().toAbsolutePath(), certs.clientKey().toAbsolutePath());
        return "amqps://guest:guest@localhost:" + rabbit.amqpsPort() + "/";
    }

    private static int free(int port) {
        return port != 0 && FreePorts.answers("localhost", port) ? 0 : port;
    }

    private static String seconds(long startNanos) {
        return String.format("%.1f", (System.nanoTime() - startNanos) / 1e9);
    }
}
