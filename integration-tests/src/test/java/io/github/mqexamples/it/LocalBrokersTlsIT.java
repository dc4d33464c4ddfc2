package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What docs/security.md tells a person to do: {@code local-brokers --tls}, then each program with exactly the flags
 * it printed, RabbitMQ over mutual TLS and Kafka over SASL_SSL. One run of local-brokers for both brokers: it takes
 * most of a minute (a private RabbitMQ node with TLS, a KRaft broker with SCRAM users, the certificates).
 */
class LocalBrokersTlsIT {

    static final Duration RUN = Duration.ofSeconds(120);

    @Test
    void localBrokersWithTlsPrintsTheFlagsAClientNeedsForBothBrokers() throws Exception {
        Path data = Files.createTempDirectory("mq-examples-tls-brokers-");
        Programs.Running brokers = Programs.start("local-brokers", Map.of(), "--tls", "--rabbitmq-port", "0",
                "--management-port", "0", "--kafka-port", "0", "--rabbitmq-tls-port", "0", "--data-dir", data.toString());
        try {
            brokers.awaitLine(l -> l.contains("brokers ready"), Duration.ofSeconds(180));

            // RabbitMQ: the amqps URL with the CA, and the client certificate for mutual TLS.
            String server = brokers.awaitLine(l -> l.contains("RabbitMQ TLS: server authentication: "), RUN);
            String mutual = brokers.awaitLine(l -> l.contains("RabbitMQ TLS: mutual TLS, add: "), RUN);
            assertContains(server, "--tls-ca-file " + data.resolve("certs").resolve("ca.pem"));
            List<String> flags = new ArrayList<>(List.of(server.substring(server.indexOf("--url")).split(" ")));
            flags.addAll(List.of(mutual.substring(mutual.indexOf("--tls-cert-file")).split(" ")));
            String queue = Await.unique("printed");
            flags.addAll(List.of("--queue", queue, "--count", "2"));
            Programs.Running rabbit = Programs.run(RUN, "rabbitmq-producer", Map.of(), flags.toArray(String[]::new));
            assertEquals(0, rabbit.exitCode(), rabbit.output());
            assertContains(rabbit.output(), "2 of 2 messages confirmed by the broker (queue '" + queue + "')");
            RabbitMqSecurityIT.assertOnlyInfo(rabbit);

            // Kafka: the SASL_SSL address and a ready client.properties.
            String line = brokers.awaitLine(l -> l.contains("Kafka over TLS as alice"), RUN);
            Matcher m = Pattern.compile("--bootstrap-servers (\\S+) --client-config (\\S+)").matcher(line);
            assertTrue(m.find(), line);
            String topic = Await.unique("tls");
            Map<String, String> env = KafkaTests.env(m.group(1), topic, topic + "-group");
            Programs.Running producer = Programs.run(RUN, "kafka-producer", env, "--count", "2",
                    "--client-config", m.group(2));
            assertEquals(0, producer.exitCode(), producer.output());
            assertContains(producer.output(), "2 of 2 records acknowledged");
            Programs.Running consumer = Programs.run(RUN, "kafka-consumer", env, "--max-messages", "2",
                    "--client-config", m.group(2));
            assertEquals(0, consumer.exitCode(), consumer.output());
            assertEquals(2, KafkaTests.received(consumer).size(), consumer.output());
        } finally {
            brokers.terminate();
            assertEquals(0, brokers.awaitExit(RUN), brokers.output());
        }
        assertContains(brokers.output(), "brokers stopped");
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
