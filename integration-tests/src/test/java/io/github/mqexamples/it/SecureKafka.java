package io.github.mqexamples.it;

import io.github.mqexamples.brokers.Certificates;
import io.github.mqexamples.brokers.LocalKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * Kafka brokers with a SASL_SSL listener for the security tests, started once per test run and apart from the shared
 * plain broker of {@link TestBrokers} (their authorizer would refuse the other tests): one with the right server
 * certificate and ACLs, one whose certificate names another host. Users: alice (super user), bob (only the topics
 * and groups starting with {@link #BOB_PREFIX}).
 */
final class SecureKafka {

    static final String ALICE = "alice";
    static final String BOB = "bob";
    /** Random, so that a test looking for it in a program's output cannot pass by chance. */
    static final String ALICE_PASSWORD = "alice-" + UUID.randomUUID().toString().substring(0, 12);
    static final String BOB_PASSWORD = "bob-" + UUID.randomUUID().toString().substring(0, 12);
    static final String BOB_PREFIX = "orders";

    private static LocalKafka broker;
    private static LocalKafka wrongHost;

    private SecureKafka() {
    }

    /** The test CA and certificates, made once in integration-tests/target/certs (shared with the RabbitMQ tests). */
    static Certificates certificates() {
        return Certificates.in(Programs.root().resolve("integration-tests").resolve("target").resolve("certs"));
    }

    static synchronized LocalKafka broker() {
        if (broker == null) {
            broker = start(security());
            broker.allow(BOB, BOB_PREFIX, BOB_PREFIX);
            System.out.println("[test brokers] secure Kafka: SASL_SSL " + broker.secureBootstrapServers()
                    + ", PLAINTEXT " + broker.bootstrapServers());
        }
        return broker;
    }

    /** A broker whose certificate (signed by the CA the clients trust) is for wrong.example, not 127.0.0.1. */
    static synchronized LocalKafka wrongHost() {
        if (wrongHost == null) {
            Certificates c = certificates();
            wrongHost = start(security().withCertificate(c.wrongHostCert(), c.wrongHostKey()));
        }
        return wrongHost;
    }

    private static LocalKafka.Security security() {
        return LocalKafka.Security.of(certificates(), Map.of(ALICE, ALICE_PASSWORD, BOB, BOB_PASSWORD), ALICE);
    }

    private static LocalKafka start(LocalKafka.Security security) {
        LocalKafka kafka = LocalKafka.launchSecure(0, 0, "127.0.0.1", null, security);
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "stop-secure-kafka"));
        return kafka;
    }

    /** A client config file for {@code user} with {@code password}, trusting {@code ca}; in target/, for one test. */
    static Path clientConfig(String name, String user, String password, Path ca) {
        return LocalKafka.writeClientConfig(dir().resolve(name + ".properties"), user, password, ca);
    }

    /** The client config local-brokers would write for {@code user}, with one line changed or added. */
    static Path clientConfig(String name, String user, String extraLine) {
        Path file = clientConfig(name, user, user.equals(ALICE) ? ALICE_PASSWORD : BOB_PASSWORD, certificates().ca());
        try {
            Files.writeString(file, Files.readString(file) + extraLine + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static Path dir() {
        return Programs.root().resolve("integration-tests").resolve("target").resolve("kafka-client-configs");
    }
}
