package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static io.github.mqexamples.it.Checks.assertLacks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.brokers.Certificates;
import io.github.mqexamples.brokers.LocalRabbitMq;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Both RabbitMQ programs against brokers that do not take guest over plain TCP: TLS (server authentication, then mutual
 * TLS), users limited by permissions, and every way that goes wrong, each told in one line with exit code 1 (or 2 for a
 * wrong setting), without a stack trace, without a line from the client library, and without the password.
 */
class RabbitMqSecurityIT {

    static final Duration RUN = Duration.ofSeconds(60);
    static final String PASSWORD = "s3cret-Pa55";

    @Test
    void overTlsTheProducerAndConsumerTrustTheBrokerThroughTheCaFile() {
        LocalRabbitMq node = SecureRabbit.serverAuth();
        String queue = Await.unique("tls");
        List<String> tls = List.of("--url", SecureRabbit.amqps(node), "--tls-ca-file", SecureRabbit.ca(), "--queue", queue);
        Programs.Running producer = run("rabbitmq-producer", tls, "--count", "3");
        assertEquals(0, producer.exitCode(), producer.output());
        assertContains(producer.output(), "3 of 3 messages confirmed by the broker (queue '" + queue + "')");
        Programs.Running consumer = run("rabbitmq-consumer", tls, "--max-messages", "3");
        assertEquals(0, consumer.exitCode(), consumer.output());
        for (int i = 1; i <= 3; i++) {
            assertContains(consumer.output(), "received 'Hello World! #" + i + "'");
        }
        assertContains(consumer.output(), "stopped after 3 message(s)");
        for (Programs.Running run : List.of(producer, consumer)) {
            assertOnlyInfo(run);
        }
    }

    @Test
    void withMutualTlsTheBrokerChecksTheClientCertificate() throws Exception {
        LocalRabbitMq node = SecureRabbit.mutual();
        Certificates certs = SecureRabbit.certificates();
        String queue = Await.unique("mtls");
        List<String> tls = List.of("--url", SecureRabbit.amqps(node), "--tls-ca-file", SecureRabbit.ca(),
                "--tls-cert-file", SecureRabbit.path(certs.clientCert()), "--tls-key-file",
                SecureRabbit.path(certs.clientKey()), "--queue", queue);
        Programs.Running producer = run("rabbitmq-producer", tls, "--count", "3");
        assertEquals(0, producer.exitCode(), producer.output());
        assertContains(producer.output(), "3 of 3 messages confirmed by the broker (queue '" + queue + "')");
        Programs.Running consumer = Programs.start("rabbitmq-consumer", Map.of(),
                concat(tls, "--max-messages", "4").toArray(String[]::new));
        consumer.awaitLine(l -> l.contains("received 'Hello World! #3'"), RUN);
        // The broker saw the client's certificate: the management API lists its subject on the connection.
        String connections = Await.value("the consumer's connection in the management API", RUN, () -> {
            String json = HttpClient.newHttpClient().send(node.managementRequest("/api/connections").build(),
                    HttpResponse.BodyHandlers.ofString()).body().replace(" ", "");
            return json.contains("peer_cert_subject") ? json : null;
        });
        assertContains(connections, "\"peer_cert_subject\":\"CN=" + Certificates.CLIENT_NAME + "\"");
        assertContains(connections, "\"ssl\":true");
        consumer.terminate();
        assertEquals(0, consumer.awaitExit(RUN), consumer.output());
        assertContains(consumer.output(), "stopped after 3 message(s)");
        assertOnlyInfo(producer);
        assertOnlyInfo(consumer);
    }

    /** --auth-mechanism external: no password at all, the broker takes the user name from the certificate's CN. */
    @Test
    void withExternalTheClientCertificateIsTheLogin() throws Exception {
        LocalRabbitMq node = SecureRabbit.mutual();
        Certificates certs = SecureRabbit.certificates();
        String queue = Await.unique("external");
        List<String> byCertificate = List.of("--url", "amqps://localhost:" + node.amqpsPort() + "/", "--tls-ca-file",
                SecureRabbit.ca(), "--tls-cert-file", SecureRabbit.path(certs.clientCert()), "--tls-key-file",
                SecureRabbit.path(certs.clientKey()), "--auth-mechanism", "external", "--queue", queue);
        Programs.Running unknown = run("rabbitmq-producer", byCertificate);
        assertOneLineFailure(unknown, "RabbitMQ at localhost:" + node.amqpsPort() + " refused the login by client"
                + " certificate (--auth-mechanism external)");
        assertContains(unknown.output(), ": it needs a user named after the certificate (by default its subject's CN,"
                + " with rabbitmqctl add_user), permissions for it, and the rabbitmq_auth_mechanism_ssl plugin.");

        node.ctl("add_user", Certificates.CLIENT_NAME, Await.unique("unused"));
        node.ctl("clear_password", Certificates.CLIENT_NAME); // it can only log in by its certificate
        node.ctl("set_permissions", "-p", "/", Certificates.CLIENT_NAME, ".*", ".*", ".*");
        Programs.Running producer = run("rabbitmq-producer", byCertificate, "--count", "2");
        assertEquals(0, producer.exitCode(), producer.output());
        assertContains(producer.output(), "2 of 2 messages confirmed by the broker (queue '" + queue + "')");
        Programs.Running consumer = Programs.start("rabbitmq-consumer", Map.of(),
                concat(byCertificate, "--max-messages", "3").toArray(String[]::new));
        consumer.awaitLine(l -> l.contains("received 'Hello World! #2'"), RUN);
        String connections = Await.value("the consumer's connection in the management API", RUN, () -> {
            String json = HttpClient.newHttpClient().send(node.managementRequest("/api/connections").build(),
                    HttpResponse.BodyHandlers.ofString()).body().replace(" ", "");
            return json.contains("\"auth_mechanism\":\"EXTERNAL\"") ? json : null;
        });
        assertContains(connections, "\"user\":\"" + Certificates.CLIENT_NAME + "\"");
        consumer.terminate();
        assertEquals(0, consumer.awaitExit(RUN), consumer.output());
        assertOnlyInfo(producer);
        assertOnlyInfo(consumer);
    }

    @Test
    void aCertificateNoTrustedCaSignedIsRefusedAndTheCaFileIsNamedAsTheFix() {
        LocalRabbitMq node = SecureRabbit.serverAuth();
        Programs.Running defaults = run("rabbitmq-producer", List.of("--url", SecureRabbit.amqps(node, "guest", PASSWORD)));
        assertOneLineFailure(defaults, "the TLS certificate of RabbitMQ at localhost:" + node.amqpsPort() + " is not"
                + " trusted: nothing in the JVM's default trust store vouches for it (PKIX path building failed)."
                + " --tls-ca-file / RABBITMQ_TLS_CA_FILE fixes it: give the CA certificate (PEM) that signed the broker's.");
        String otherCa = SecureRabbit.path(SecureRabbit.certificates().otherCa());
        Programs.Running wrongCa = run("rabbitmq-consumer", List.of("--url", SecureRabbit.amqps(node, "guest", PASSWORD),
                "--tls-ca-file", otherCa));
        assertOneLineFailure(wrongCa, "is not trusted: nothing in --tls-ca-file " + otherCa + " vouches for it");
    }

    @Test
    void aCertificateForAnotherHostIsRefused() {
        LocalRabbitMq node = SecureRabbit.wrongHost();
        Programs.Running run = run("rabbitmq-producer", List.of("--url", SecureRabbit.amqps(node, "guest", PASSWORD),
                "--tls-ca-file", SecureRabbit.ca()));
        assertOneLineFailure(run, "the TLS certificate of RabbitMQ at localhost:" + node.amqpsPort() + " is not for host"
                + " 'localhost' (No subject alternative DNS name matching localhost found): connect with a host name the"
                + " certificate names, or give the broker a certificate for this one.");
    }

    @Test
    void aBrokerThatRequiresAClientCertificateSaysSoWhenNoneIsSent() {
        LocalRabbitMq node = SecureRabbit.mutual();
        // Several times: with TLS 1.3 the broker's refusal races with the client's first write (see TlsErrors).
        for (String program : List.of("rabbitmq-consumer", "rabbitmq-producer", "rabbitmq-consumer")) {
            Programs.Running run = run(program, List.of("--url", SecureRabbit.amqps(node, "guest", PASSWORD),
                    "--tls-ca-file", SecureRabbit.ca()));
            // certificate_required (TLS 1.3), or handshake_failure when only TLS 1.2 got the alert through.
            assertOneLineFailure(run, "RabbitMQ at localhost:" + node.amqpsPort() + " requires a client certificate and"
                    + " none was sent (Received fatal alert: ");
            assertContains(run.output(), "): give one with --tls-cert-file and --tls-key-file (RABBITMQ_TLS_CERT_FILE,"
                    + " RABBITMQ_TLS_KEY_FILE).");
        }
    }

    @Test
    void amqpsToAPlainPortAndAmqpToATlsPortNameTheSchemeToUse() {
        LocalRabbitMq node = SecureRabbit.serverAuth();
        Programs.Running tlsToPlain = run("rabbitmq-producer", List.of("--url", "amqps://guest:" + PASSWORD
                + "@localhost:" + node.amqpPort() + "/", "--tls-ca-file", SecureRabbit.ca()));
        assertOneLineFailure(tlsToPlain, "RabbitMQ at localhost:" + node.amqpPort() + " speaks plain AMQP on that port,"
                + " not TLS (Unsupported or unrecognized SSL message): use amqp:// for this port, or amqps:// with the"
                + " broker's TLS port (5671 by default).");
        Programs.Running plainToTls = run("rabbitmq-consumer", List.of("--url", "amqp://guest:" + PASSWORD
                + "@localhost:" + node.amqpsPort() + "/"));
        assertOneLineFailure(plainToTls, "localhost:" + node.amqpsPort() + " speaks TLS, and --url says amqp://: use"
                + " amqps://localhost:" + node.amqpsPort() + "/ (with --tls-ca-file if a private CA signed its"
                + " certificate).");
    }

    @Test
    void aWrongPasswordOverTlsNamesTheUserAndNeverThePassword() {
        LocalRabbitMq node = SecureRabbit.serverAuth();
        Programs.Running run = run("rabbitmq-producer", List.of("--url", SecureRabbit.amqps(node, "guest", PASSWORD),
                "--tls-ca-file", SecureRabbit.ca()));
        assertOneLineFailure(run, "RabbitMQ at localhost:" + node.amqpsPort() + " refused the login of user 'guest':"
                + " authentication failed. Check the user name and password in --url / RABBITMQ_URL.");
    }

    @Test
    void aPortThatAnswersButDoesNotSpeakAmqpIsNamed() throws Exception {
        LocalRabbitMq node = SecureRabbit.serverAuth();
        // The management port: HTTP, which waits for a request line that never comes.
        int http = node.managementPort();
        Programs.Running run = run("rabbitmq-producer", List.of("--url", "amqp://guest:" + PASSWORD + "@localhost:" + http
                + "/"));
        assertOneLineFailure(run, "something answered at localhost:" + http + " but it does not speak AMQP (no AMQP"
                + " reply within 5 s): check the port in --url / RABBITMQ_URL (now amqp://guest:****@localhost:" + http
                + "/); RabbitMQ listens on 5672 by default (5671 with TLS).");
        // A server that greets first (as SSH and SMTP do), with something that is no AMQP frame.
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread greeter = greet(server, "SSH-2.0-OpenSSH_9.6\r\n");
            Programs.Running banner = run("rabbitmq-consumer", List.of("--url", "amqp://guest:" + PASSWORD
                    + "@127.0.0.1:" + server.getLocalPort() + "/"));
            assertOneLineFailure(banner, "something answered at 127.0.0.1:" + server.getLocalPort() + " but it does not"
                    + " speak AMQP (its reply is no AMQP frame): check the port in --url / RABBITMQ_URL");
            greeter.interrupt();
        }
    }

    @Test
    void aUserLimitedByPermissionsIsToldWhatItMayNotDo() throws Exception {
        LocalRabbitMq node = SecureRabbit.serverAuth();
        String user = Await.unique("alice");
        node.ctl("add_user", user, PASSWORD);
        // alice may configure, write and read queues named orders.*, and nothing else.
        node.ctl("set_permissions", "-p", "/", user, "^orders\\..*", "^orders\\..*", "^orders\\..*");
        List<String> alice = List.of("--url", SecureRabbit.amqps(node, user, PASSWORD), "--tls-ca-file", SecureRabbit.ca(),
                "--queue-type", "classic");

        Programs.Running payments = run("rabbitmq-producer", concat(alice, "--queue", "payments"));
        assertOneLineFailure(payments, "user '" + user + "' may not declare queue 'payments' in vhost '/' (ACCESS_REFUSED"
                + " - access to queue 'payments' in vhost '/' refused for user '" + user + "'): its permissions do not"
                + " cover it (rabbitmqctl list_user_permissions " + user + ").");

        // Publishing to a queue goes through the default exchange, amq.default, which needs write permission too.
        String orders = "orders." + Await.unique("eu");
        Programs.Running noDefaultExchange = run("rabbitmq-producer", concat(alice, "--queue", orders));
        assertOneLineFailure(noDefaultExchange, "user '" + user + "' may not write to exchange 'amq.default' in vhost '/'"
                + " (ACCESS_REFUSED - access to exchange 'amq.default' in vhost '/' refused for user '" + user + "')");

        node.ctl("set_permissions", "-p", "/", user, "^orders\\..*", "^(orders\\..*|amq\\.default)$", "^orders\\..*");
        Programs.Running allowed = run("rabbitmq-producer", concat(alice, "--queue", orders, "--count", "2"));
        assertEquals(0, allowed.exitCode(), allowed.output());
        assertContains(allowed.output(), "2 of 2 messages confirmed by the broker (queue '" + orders + "')");
        Programs.Running consumer = run("rabbitmq-consumer", concat(alice, "--queue", orders, "--max-messages", "2"));
        assertEquals(0, consumer.exitCode(), consumer.output());
        assertContains(consumer.output(), "stopped after 2 message(s)");

        // bob may declare and write, but not read.
        String bob = Await.unique("bob");
        node.ctl("add_user", bob, PASSWORD);
        node.ctl("set_permissions", "-p", "/", bob, ".*", ".*", "^$");
        Programs.Running reader = run("rabbitmq-consumer", List.of("--url", SecureRabbit.amqps(node, bob, PASSWORD),
                "--tls-ca-file", SecureRabbit.ca(), "--queue", orders, "--queue-type", "classic", "--max-messages", "1"));
        assertOneLineFailure(reader, "user '" + bob + "' may not read from queue '" + orders + "' in vhost '/'"
                + " (ACCESS_REFUSED - access to queue '" + orders + "' in vhost '/' refused for user '" + bob + "')");

        // carol has no permissions at all in the virtual host.
        String carol = Await.unique("carol");
        node.ctl("add_user", carol, PASSWORD);
        Programs.Running outsider = run("rabbitmq-producer", List.of("--url", SecureRabbit.amqps(node, carol, PASSWORD),
                "--tls-ca-file", SecureRabbit.ca()));
        assertOneLineFailure(outsider, "user '" + carol + "' may not use virtual host '/' (NOT_ALLOWED - access to vhost"
                + " '/' refused for user '" + carol + "'): it has no permissions there");
    }

    @Test
    void wrongTlsSettingsAreNamedBeforeAnyConnection() throws IOException {
        Certificates certs = SecureRabbit.certificates();
        String url = "amqps://guest:" + PASSWORD + "@localhost:1/";
        assertUsage(run("rabbitmq-producer", List.of("--url", url, "--tls-cert-file", SecureRabbit.path(certs.clientCert()))),
                "rabbitmq-producer: --tls-cert-file / RABBITMQ_TLS_CERT_FILE needs --tls-key-file / RABBITMQ_TLS_KEY_FILE:"
                        + " the private key of the client certificate");
        assertUsage(run("rabbitmq-consumer", List.of("--url", url, "--tls-key-file", SecureRabbit.path(certs.clientKey()))),
                "rabbitmq-consumer: --tls-key-file / RABBITMQ_TLS_KEY_FILE needs --tls-cert-file / RABBITMQ_TLS_CERT_FILE");
        String missing = SecureRabbit.path(certs.ca().resolveSibling("missing.pem"));
        assertUsage(run("rabbitmq-producer", List.of("--url", url, "--tls-ca-file", missing)),
                "rabbitmq-producer: cannot read --tls-ca-file / RABBITMQ_TLS_CA_FILE " + missing + ": no such file");
        String key = SecureRabbit.path(certs.clientKey());
        assertUsage(run("rabbitmq-producer", List.of("--url", url, "--tls-ca-file", key)),
                "rabbitmq-producer: --tls-ca-file / RABBITMQ_TLS_CA_FILE " + key + " holds no PEM certificate");
        String cert = SecureRabbit.path(certs.clientCert());
        assertUsage(run("rabbitmq-producer", List.of("--url", url, "--tls-cert-file", cert, "--tls-key-file", cert)),
                "rabbitmq-producer: --tls-key-file / RABBITMQ_TLS_KEY_FILE " + cert + " holds no private key");
        assertUsage(run("rabbitmq-producer", List.of("--url", url, "--tls-ca-file", SecureRabbit.ca(), "--auth-mechanism",
                "external")), "rabbitmq-producer: --auth-mechanism external logs in with the client certificate: it needs"
                + " --tls-cert-file / RABBITMQ_TLS_CERT_FILE and --tls-key-file / RABBITMQ_TLS_KEY_FILE");
        assertUsage(run("rabbitmq-producer", List.of("--url", "amqp://guest:" + PASSWORD + "@localhost:1/",
                "--tls-ca-file", SecureRabbit.ca())), "need an amqps:// URL, but --url / RABBITMQ_URL is"
                + " 'amqp://guest:****@localhost:1/'");
    }

    // --- helpers

    private static Programs.Running run(String program, List<String> args, String... more) {
        return Programs.run(RUN, program, Map.of(), concat(args, more).toArray(String[]::new));
    }

    private static List<String> concat(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all;
    }

    /** Exit code 1 and exactly one line, this one: no stack trace, no client-library logger, no password. */
    static void assertOneLineFailure(Programs.Running run, String expected) {
        String output = run.output();
        assertEquals(1, run.exitCode(), output);
        List<String> notInfo = run.lines().stream().filter(l -> !l.contains(" INFO ")).toList();
        assertEquals(1, notInfo.size(), "one line expected, not:\n" + output);
        assertContains(notInfo.get(0), " ERROR ");
        assertContains(output, expected);
        assertClean(output);
        assertLacks(output, "Check that the broker is running"); // the broker, or something, did answer
    }

    private static void assertUsage(Programs.Running run, String expected) {
        assertEquals(2, run.exitCode(), run.output());
        assertEquals(1, run.lines().size(), run.output());
        assertContains(run.output(), expected);
        assertClean(run.output());
    }

    /** Only INFO lines, and none of them an exception, a client-library logger or the password. */
    static void assertOnlyInfo(Programs.Running run) {
        assertTrue(run.lines().stream().allMatch(l -> l.contains(" INFO ")), run.output());
        assertClean(run.output());
    }

    private static void assertClean(String output) {
        Stream.of("Exception", "\tat ", "ForgivingExceptionHandler", "SocketFrameHandler", PASSWORD)
                .forEach(s -> assertLacks(output, s));
    }

    /** Accepts connections and greets each with {@code banner}, until interrupted or the server socket closes. */
    private static Thread greet(ServerSocket server, String banner) {
        Thread thread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    out.write(banner.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.getInputStream().readNBytes(8);
                } catch (IOException e) {
                    return;
                }
            }
        }, "greeter");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
