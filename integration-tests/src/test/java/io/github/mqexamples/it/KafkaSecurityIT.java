package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static io.github.mqexamples.it.Checks.assertLacks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.brokers.LocalKafka;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both Kafka programs against a broker with TLS, SCRAM logins and ACLs (issue 15), run as a person runs them:
 * the jars as processes, {@code --client-config} a file as local-brokers writes it. What works, and what each
 * mistake looks like: one line, exit code 1, no stack trace, no line of the client library, never the password.
 */
class KafkaSecurityIT {

    private static final Duration RUN = Duration.ofSeconds(90);
    /** A line the programs write: time, level, the program's name. Anything else came from elsewhere. */
    private static final Pattern OWN_LINE = Pattern.compile(
            "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO|WARN|ERROR) kafka-(producer|consumer)(-\\d+)? - .*");

    static LocalKafka kafka;
    static Path alice;

    @BeforeAll
    static void broker() {
        kafka = SecureKafka.broker();
        alice = SecureKafka.clientConfig("alice", SecureKafka.ALICE, SecureKafka.ALICE_PASSWORD,
                SecureKafka.certificates().ca());
    }

    static Map<String, String> env(String servers, String topic) {
        return KafkaTests.env(servers, topic, topic + "-group");
    }

    @Test
    void producerAndConsumerWorkOverSaslSslWithTheClientConfig() throws Exception {
        String topic = Await.unique("secure");
        Map<String, String> env = env(kafka.secureBootstrapServers(), topic);
        Programs.Running producer = Programs.run(RUN, "kafka-producer", env, "--count", "3",
                "--client-config", alice.toString());
        assertEquals(0, producer.exitCode(), producer.output());
        assertContains(producer.output(), "3 of 3 records acknowledged (topic '" + topic + "')");
        assertContains(producer.output(), "client settings from " + alice + ": sasl.jaas.config=****"
                + " sasl.mechanism=SCRAM-SHA-512 security.protocol=SASL_SSL ssl.truststore.location="
                + SecureKafka.certificates().ca() + " ssl.truststore.type=PEM");
        assertClean(producer, SecureKafka.ALICE_PASSWORD);

        // The environment variable instead of the flag; the consumer's Admin creates .retry and .dlt with it.
        Map<String, String> consumerEnv = new java.util.HashMap<>(env);
        consumerEnv.put("KAFKA_CLIENT_CONFIG", alice.toString());
        Programs.Running consumer = Programs.run(RUN, "kafka-consumer", consumerEnv, "--max-messages", "3");
        assertEquals(0, consumer.exitCode(), consumer.output());
        assertEquals(3, KafkaTests.received(consumer).size(), consumer.output());
        assertContains(consumer.output(), "stopped after 3 record(s)");
        assertClean(consumer, SecureKafka.ALICE_PASSWORD);
        try (Admin admin = KafkaTests.admin(kafka.bootstrapServers())) { // the PLAINTEXT port: the broker's own
            assertTrue(admin.listTopics().names().get().containsAll(Set.of(topic, topic + ".retry", topic + ".dlt")));
        }
    }

    @Test
    void theLagAdminAndAShareGroupMemberUseTheClientConfigToo() {
        String topic = Await.unique("secure-share");
        Map<String, String> env = env(kafka.secureBootstrapServers(), topic);
        Programs.Running producer = Programs.run(RUN, "kafka-producer", env, "--count", "4",
                "--client-config", alice.toString());
        assertEquals(0, producer.exitCode(), producer.output());
        // Progress lines instead of a line per record: GroupLag's own Admin asks for the lag, with the same login.
        Programs.Running group = Programs.run(RUN, "kafka-consumer", env, "--max-messages", "4", "--log-messages",
                "false", "--client-config", alice.toString());
        assertEquals(0, group.exitCode(), group.output());
        assertContains(group.output(), "stopped after 4 record(s)");
        assertClean(group, SecureKafka.ALICE_PASSWORD);
        // A share consumer, and the Admin that sets the share group's configuration.
        Programs.Running share = Programs.run(RUN, "kafka-consumer", env, "--share-group", topic + "-share",
                "--max-messages", "4", "--client-config", alice.toString());
        assertEquals(0, share.exitCode(), share.output());
        assertEquals(4, share.lines().stream().filter(l -> l.contains(" ACCEPT ")).count(), share.output());
        assertClean(share, SecureKafka.ALICE_PASSWORD);
    }

    @Test
    void aUserWithAclsUsesItsTopicsAndIsRefusedOthersInOneLine() throws Exception {
        Path bob = SecureKafka.clientConfig("bob", SecureKafka.BOB, SecureKafka.BOB_PASSWORD,
                SecureKafka.certificates().ca());
        String own = Await.unique(SecureKafka.BOB_PREFIX);
        Programs.Running allowed = Programs.run(RUN, "kafka-producer", env(kafka.secureBootstrapServers(), own),
                "--count", "2", "--client-config", bob.toString());
        assertEquals(0, allowed.exitCode(), allowed.output());
        assertContains(allowed.output(), "2 of 2 records acknowledged");

        String payments = Await.unique("payments");
        try (Admin admin = KafkaTests.admin(kafka.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(payments, 1, (short) 1))).all().get();
        }
        Programs.Running producer = Programs.run(RUN, "kafka-producer", env(kafka.secureBootstrapServers(), payments),
                "--count", "2", "--client-config", bob.toString());
        assertOneLineFailure(producer, "user 'bob' may not write to topic '" + payments
                + "' (TOPIC_AUTHORIZATION_FAILED)", SecureKafka.BOB_PASSWORD);

        Programs.Running consumer = Programs.run(RUN, "kafka-consumer", env(kafka.secureBootstrapServers(), own),
                "--group", "audit", "--max-messages", "2", "--client-config", bob.toString());
        assertOneLineFailure(consumer, "user 'bob' may not use consumer group 'audit' (GROUP_AUTHORIZATION_FAILED)",
                SecureKafka.BOB_PASSWORD);
    }

    @Test
    void aWrongPasswordNamesTheUserNotThePassword() {
        String wrong = "not-" + SecureKafka.ALICE_PASSWORD;
        Path config = SecureKafka.clientConfig("alice-wrong", SecureKafka.ALICE, wrong, SecureKafka.certificates().ca());
        Programs.Running run = Programs.run(RUN, "kafka-producer", env(kafka.secureBootstrapServers(), "t"),
                "--client-config", config.toString());
        assertOneLineFailure(run, "Kafka at " + kafka.secureBootstrapServers() + " refused the login of user 'alice'"
                + " (SCRAM-SHA-512): authentication failed.", wrong);
    }

    @Test
    void anUntrustedCertificateNamesTheTruststoreSetting() {
        Path config = SecureKafka.clientConfig("other-ca", SecureKafka.ALICE, SecureKafka.ALICE_PASSWORD,
                SecureKafka.certificates().otherCa());
        Programs.Running run = Programs.run(RUN, "kafka-consumer", env(kafka.secureBootstrapServers(), "t"),
                "--client-config", config.toString());
        assertOneLineFailure(run, "the TLS certificate of Kafka at " + kafka.secureBootstrapServers()
                + " is not trusted: it is not signed by a CA in " + SecureKafka.certificates().otherCa()
                + ". Set ssl.truststore.location in --client-config", SecureKafka.ALICE_PASSWORD);
    }

    @Test
    void aCertificateForAnotherHostIsNamed() {
        LocalKafka other = SecureKafka.wrongHost();
        Programs.Running run = Programs.run(RUN, "kafka-producer", env(other.secureBootstrapServers(), "t"),
                "--client-config", alice.toString());
        assertOneLineFailure(run, "the TLS certificate of Kafka at " + other.secureBootstrapServers()
                + " is not for that host name", SecureKafka.ALICE_PASSWORD);
    }

    @Test
    void aTlsClientOnThePlaintextPortIsToldSo() {
        Programs.Running run = Programs.run(RUN, "kafka-producer", env(kafka.bootstrapServers(), "t"),
                "--client-config", alice.toString());
        assertOneLineFailure(run, "no Kafka answer at " + kafka.bootstrapServers() + " within 8 s: it is a Kafka"
                + " listener without TLS, and this client speaks SASL_SSL (security.protocol in --client-config): use the"
                + " broker's SASL_SSL port, or PLAINTEXT here.", SecureKafka.ALICE_PASSWORD);
    }

    @Test
    void aPlaintextClientOnTheTlsPortIsToldSo() {
        Programs.Running run = Programs.run(RUN, "kafka-consumer", env(kafka.secureBootstrapServers(), "t"));
        assertOneLineFailure(run, "Kafka at " + kafka.secureBootstrapServers() + " is a TLS listener, and this client"
                + " speaks PLAINTEXT: set security.protocol=SASL_SSL (or SSL) and the sasl.* and ssl.* settings in"
                + " --client-config, or use the broker's PLAINTEXT port.", SecureKafka.ALICE_PASSWORD);
    }

    @Test
    void aPortThatIsNotKafkaIsNamed() throws Exception {
        // As nginx or Apache do with bytes that are not HTTP: a 400 reply. (The JDK's HttpServer says nothing.)
        try (TcpServer http = new TcpServer("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")) {
            Programs.Running run = Programs.run(RUN, "kafka-producer", env(http.address(), "t"));
            assertOneLineFailure(run, "not Kafka at " + http.address() + ": an HTTP server answers there. Check the"
                    + " host and port in --bootstrap-servers / KAFKA_BOOTSTRAP_SERVERS.", SecureKafka.ALICE_PASSWORD);
        }
    }

    @Test
    void aPortThatAcceptsButSaysNothingIsNamed() throws Exception {
        try (TcpServer silent = new TcpServer(null)) {
            Programs.Running run = Programs.run(RUN, "kafka-consumer", env(silent.address(), "t"));
            assertOneLineFailure(run, "no Kafka answer at " + silent.address() + " within 8 s: it accepts connections"
                    + " but does not answer as Kafka does (this client speaks PLAINTEXT): is it Kafka, and a PLAINTEXT"
                    + " listener?", SecureKafka.ALICE_PASSWORD);
        }
    }

    /** A TCP server on a free loopback port that answers every connection with {@code reply}, or (null) never. */
    static final class TcpServer implements AutoCloseable {
        private final ServerSocket socket;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();

        TcpServer(String reply) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = socket.accept();
                        accepted.add(s);
                        if (reply != null) {
                            s.getInputStream().read(new byte[1024]); // a request first, as a server waits for one
                            s.getOutputStream().write(reply.getBytes(StandardCharsets.US_ASCII));
                            s.close();
                        }
                    }
                } catch (IOException e) {
                    // closed: the test is over
                }
            }, "test-tcp-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void aMissingClientConfigIsAUsageErrorNamingTheFlag() {
        Programs.Running run = Programs.run(RUN, "kafka-producer", env(kafka.secureBootstrapServers(), "t"),
                "--client-config", "/nowhere/client.properties");
        assertEquals(2, run.exitCode(), run.output());
        assertEquals(List.of("kafka-producer: cannot read --client-config: /nowhere/client.properties does not exist"),
                run.lines());
    }

    @Test
    void aSecretGivenAsAClientPropertyIsNeverPrinted() {
        String secret = "pw-" + java.util.UUID.randomUUID();
        // A wrong separator: the usage error must not echo what may be a password.
        Programs.Running wrong = Programs.run(RUN, "kafka-consumer", env(kafka.secureBootstrapServers(), "t"),
                "--client-property", "sasl.jaas.config:" + secret);
        assertEquals(2, wrong.exitCode(), wrong.output());
        assertEquals(List.of("kafka-consumer: invalid --client-property (the 1st one): expected KEY=VALUE"),
                wrong.lines());
        // Given right, with a wrong password: echoed as ****, refused by name, the password nowhere.
        String topic = Await.unique("secret");
        Programs.Running run = Programs.run(RUN, "kafka-producer", env(kafka.secureBootstrapServers(), topic),
                "--client-config", alice.toString(),
                "--client-property", "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"alice\" password=\"" + secret + "\";");
        assertOneLineFailure(run, "refused the login of user 'alice' (SCRAM-SHA-512)", secret);
        assertContains(run.output(), "sasl.jaas.config=**** ");
    }

    @Test
    void anUnknownHostIsSaidPlainly() {
        Programs.Running run = Programs.run(RUN, "kafka-producer", env("nosuchhost:9092", "t"));
        assertOneLineFailure(run, "cannot reach Kafka at nosuchhost:9092 (unknown host).", SecureKafka.ALICE_PASSWORD);
    }

    /** Exit code 1, the one ERROR line saying {@code expected}, nothing but the program's own lines, no secret. */
    static void assertOneLineFailure(Programs.Running run, String expected, String secret) {
        assertEquals(1, run.exitCode(), run.output());
        List<String> errors = run.lines().stream().filter(l -> l.contains(" ERROR ")).toList();
        assertEquals(1, errors.size(), "one ERROR line: " + run.output());
        assertContains(errors.get(0), expected);
        assertClean(run, secret);
    }

    /** Only the program's own lines (no client-library logger, no stack trace), and never {@code secret}. */
    static void assertClean(Programs.Running run, String secret) {
        for (String line : run.lines()) {
            assertTrue(OWN_LINE.matcher(line).matches(), "a line that is not the program's own: <" + line + "> in:\n"
                    + run.output());
        }
        assertLacks(run.output(), "\tat ");
        assertLacks(run.output(), "Exception in thread");
        assertLacks(run.output(), secret);
    }
}
