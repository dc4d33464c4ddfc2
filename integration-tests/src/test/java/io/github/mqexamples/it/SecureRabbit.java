package io.github.mqexamples.it;

import io.github.mqexamples.brokers.Certificates;
import io.github.mqexamples.brokers.LocalRabbitMq;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * Private RabbitMQ nodes with TLS for the security tests, started once per test run, in parallel (about 10 s together),
 * stopped when the test JVM exits. RabbitMQ's TLS options hold for every TLS listener of a node, hence a node per
 * set-up:
 * <ul>
 *   <li>{@link #serverAuth()}: the broker proves who it is ({@code server.pem}, for localhost and 127.0.0.1); a client
 *       certificate is verified if sent, not required;</li>
 *   <li>{@link #mutual()}: the same, and a client without a certificate signed by the CA is refused;</li>
 *   <li>{@link #wrongHost()}: a certificate from the right CA, but for {@code wrong.example}.</li>
 * </ul>
 * Each also keeps its plain AMQP listener, which the tests use for the wrong-scheme cases. Always local nodes (the
 * tests need their certificates and rabbitmqctl), whatever TestBrokers uses.
 */
final class SecureRabbit {

    private static Certificates certificates;
    private static CompletableFuture<LocalRabbitMq> serverAuth;
    private static CompletableFuture<LocalRabbitMq> mutual;
    private static CompletableFuture<LocalRabbitMq> wrongHost;

    private SecureRabbit() {
    }

    /** The throwaway CA and certificates, made once in integration-tests/target/certs (keytool, about 13 s). */
    static synchronized Certificates certificates() {
        if (certificates == null) {
            certificates = Certificates.in(Programs.root().resolve("integration-tests/target/certs"));
        }
        return certificates;
    }

    static LocalRabbitMq serverAuth() {
        startAll();
        return serverAuth.join();
    }

    static LocalRabbitMq mutual() {
        startAll();
        return mutual.join();
    }

    static LocalRabbitMq wrongHost() {
        startAll();
        return wrongHost.join();
    }

    /** amqps://USER:PASSWORD@localhost:PORT/ of a node. */
    static String amqps(LocalRabbitMq node, String user, String password) {
        return "amqps://" + user + ":" + password + "@localhost:" + node.amqpsPort() + "/";
    }

    static String amqps(LocalRabbitMq node) {
        return amqps(node, "guest", "guest");
    }

    static String ca() {
        return path(certificates().ca());
    }

    static String path(Path file) {
        return file.toAbsolutePath().toString();
    }

    private static synchronized void startAll() {
        if (serverAuth == null) {
            Certificates certs = certificates();
            LocalRabbitMq.Tls tls = LocalRabbitMq.Tls.of(certs);
            serverAuth = launch(tls, "server authentication");
            mutual = launch(tls.requiringClientCertificate(), "client certificate required");
            wrongHost = launch(tls.presenting(certs.wrongHostCert(), certs.wrongHostKey()), "certificate for another host");
        }
    }

    private static CompletableFuture<LocalRabbitMq> launch(LocalRabbitMq.Tls tls, String what) {
        return CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            LocalRabbitMq node = LocalRabbitMq.launch(0, 0, null, tls);
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "stop-secure-rabbitmq"));
            System.out.printf("[test brokers] RabbitMQ with TLS (%s): amqps on %d, amqp on %d, ready in %.1f s%n", what,
                    node.amqpsPort(), node.amqpPort(), (System.nanoTime() - t0) / 1e9);
            return node;
        });
    }
}
