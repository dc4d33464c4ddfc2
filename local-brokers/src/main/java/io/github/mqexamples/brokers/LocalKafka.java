package io.github.mqexamples.brokers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool$;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka (KRaft, broker and controller in one) running in this JVM from the Maven Central
 * jars: the same broker code a Kafka distribution runs, with its data in a temporary directory.
 * {@link #stop()} and {@link #start()} restart it on the same data and ports; {@link #close()} also deletes it.
 *
 * <p>{@link #launchInOwnJvm()} runs it in a JVM of its own instead ({@link KafkaBrokerProcess}), so that
 * {@link #kill()} can end it the way a crash does: {@code kill -9}, the controller gone with the broker, the log
 * recovered on the next {@link #start()}.
 */
public final class LocalKafka implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final String advertisedHost;
    private final boolean temporary;
    private final Security security; // null: the PLAINTEXT port only
    private final int securePort;
    private boolean ownJvm;
    private KafkaRaftServer server;
    private Process process; // in its own JVM: the running broker

    private LocalKafka(Path dataDir, boolean temporary, int port, int controllerPort, String advertisedHost,
                       Security security, int securePort) {
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.port = port;
        this.controllerPort = controllerPort;
        this.advertisedHost = advertisedHost;
        this.security = security;
        this.securePort = securePort;
    }

    /**
     * What a broker with a second, secured listener has: TLS with {@code certificateChain} and {@code key} (PEM
     * files, the server's certificate first), SASL/SCRAM-SHA-512 logins for {@code users} (name to password, made
     * when the storage is formatted), and permissions: KRaft's StandardAuthorizer, with {@code superUser} allowed
     * everything and every other user only what an ACL allows ({@link #allow}).
     */
    public record Security(Path certificateChain, Path key, Path ca, Map<String, String> users, String superUser) {

        /** TLS with the server certificate of {@code certificates}, and these users. */
        public static Security of(Certificates certificates, Map<String, String> users, String superUser) {
            return new Security(certificates.serverCert(), certificates.serverKey(), certificates.ca(), users,
                    superUser);
        }

        /** The same users, with another certificate (one for another host name: the tests of a mismatch). */
        public Security withCertificate(Path chain, Path certificateKey) {
            return new Security(chain, certificateKey, ca, users, superUser);
        }
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
        return launch(port, advertisedHost, dataDir, null, 0);
    }

    /**
     * As {@link #launch(int, String, Path)}, with a SASL_SSL listener on {@code securePort} (0: a free port) besides
     * the PLAINTEXT one, which stays for the broker itself (its controller and inter-broker traffic) and for
     * setting up ACLs: on 127.0.0.1 only, and anyone connecting there is the super user ANONYMOUS.
     */
    public static LocalKafka launchSecure(int port, int securePort, String advertisedHost, Path dataDir,
                                          Security security) {
        return launch(port, advertisedHost, dataDir, security, securePort);
    }

    private static LocalKafka launch(int port, String advertisedHost, Path dataDir, Security security,
                                     int securePort) {
        try {
            Path dir = dataDir == null ? Files.createTempDirectory("mq-examples-kafka-")
                    : Files.createDirectories(dataDir.resolve("kafka"));
            // The controller's port is part of the cluster's identity: keep it with the data.
            Path controllerPortFile = dir.resolve("controller.port");
            int controllerPort = Files.exists(controllerPortFile)
                    ? Integer.parseInt(Files.readString(controllerPortFile).trim()) : FreePorts.next();
            Files.writeString(controllerPortFile, String.valueOf(controllerPort));
            LocalKafka kafka = new LocalKafka(dir, dataDir == null, port == 0 ? FreePorts.next() : port, controllerPort,
                    advertisedHost, security, security == null ? 0 : securePort == 0 ? FreePorts.next() : securePort);
            if (!Files.exists(dir.resolve("logs").resolve("meta.properties"))) {
                kafka.format();
            }
            kafka.start();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * On free ports, advertised as 127.0.0.1, in a child JVM that {@link #kill()} can kill with SIGKILL. Its data
     * is a temporary directory, kept across {@link #kill()} and {@link #start()}, deleted by {@link #close()}.
     */
    public static LocalKafka launchInOwnJvm() {
        try {
            Path dir = Files.createTempDirectory("mq-examples-kafka-");
            LocalKafka kafka = new LocalKafka(dir, true, FreePorts.next(), FreePorts.next(), "127.0.0.1", null, 0);
            kafka.ownJvm = true;
            kafka.format();
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

    /** host:port of the SASL_SSL listener; only with {@link Security}. */
    public String secureBootstrapServers() {
        if (security == null) {
            throw new IllegalStateException("this broker has no SASL_SSL listener: launch it with launchSecure");
        }
        return advertisedHost + ":" + securePort;
    }

    /**
     * Writes the client settings for {@code user} over SASL_SSL to {@code file}, what a program takes with
     * {@code --client-config}: SCRAM-SHA-512 with the user's password, and the CA to trust, as PEM.
     */
    public Path writeClientConfig(Path file, String user) {
        if (security == null || !security.users().containsKey(user)) {
            throw new IllegalArgumentException("no SASL user '" + user + "' on this broker");
        }
        return writeClientConfig(file, user, security.users().get(user), security.ca());
    }

    /** A client.properties for SASL_SSL with SCRAM-SHA-512 as {@code user}, trusting {@code ca}. */
    public static Path writeClientConfig(Path file, String user, String password, Path ca) {
        String text = "# Written by mq-examples local-brokers: SASL_SSL with SCRAM-SHA-512 as '" + user + "'.\n"
                + "security.protocol=SASL_SSL\n"
                + "sasl.mechanism=SCRAM-SHA-512\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";\n"
                + "ssl.truststore.type=PEM\n"
                + "ssl.truststore.location=" + ca.toAbsolutePath().toString().replace("\\", "/") + "\n";
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Lets {@code user} write, read and create the topics whose names start with {@code topicPrefix} (so also
     * their .retry and .dlt), and read as the consumer groups and share groups starting with {@code groupPrefix}.
     * Nothing else: the StandardAuthorizer refuses what no ACL allows.
     */
    public void allow(String user, String topicPrefix, String groupPrefix) {
        String principal = "User:" + user;
        List<AclBinding> acls = new ArrayList<>();
        for (AclOperation op : List.of(AclOperation.WRITE, AclOperation.READ, AclOperation.CREATE,
                AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS)) {
            acls.add(new AclBinding(new ResourcePattern(ResourceType.TOPIC, topicPrefix, PatternType.PREFIXED),
                    new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
        }
        for (AclOperation op : List.of(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.ALTER_CONFIGS)) {
            acls.add(new AclBinding(new ResourcePattern(ResourceType.GROUP, groupPrefix, PatternType.PREFIXED),
                    new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port))) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the ACLs of '" + user + "': " + e, e);
        }
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
        // Every listener on the loopback address: nothing of these brokers is reachable from another machine.
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + advertisedHost + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        if (security != null) {
            secure(p);
        }
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

    /** The SASL_SSL listener, its certificate, SCRAM, and the authorizer. */
    private void secure(Properties p) {
        p.put("listeners", p.get("listeners") + ",SASL_SSL://127.0.0.1:" + securePort);
        p.put("advertised.listeners", p.get("advertised.listeners") + ",SASL_SSL://" + advertisedHost + ":" + securePort);
        p.put("listener.security.protocol.map", p.get("listener.security.protocol.map") + ",SASL_SSL:SASL_SSL");
        p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        // The broker side of SCRAM checks logins against the credentials stored in the cluster's metadata.
        p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        // PEM, as Certificates writes it: no keystore file to convert to, the key unencrypted (no ssl.key.password).
        p.put("listener.name.sasl_ssl.ssl.keystore.type", "PEM");
        p.put("listener.name.sasl_ssl.ssl.keystore.certificate.chain", read(security.certificateChain()));
        p.put("listener.name.sasl_ssl.ssl.keystore.key", read(security.key()));
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // ANONYMOUS: the broker itself, over its PLAINTEXT and CONTROLLER listeners (loopback only).
        p.put("super.users", "User:ANONYMOUS;User:" + security.superUser());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void format() throws IOException {
        Path config = dataDir.resolve("server.properties");
        try (var out = Files.newOutputStream(config)) {
            properties().store(out, "mq-examples local Kafka");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("format", "-t", Uuid.randomUuid().toString(), "-c",
                config.toString()));
        if (security != null) {
            // SCRAM credentials live in the cluster metadata; formatting is where a KRaft cluster gets its first.
            security.users().forEach((user, password) -> args.addAll(List.of("--add-scram",
                    "SCRAM-SHA-512=[name=" + user + ",password=" + password + "]")));
        }
        int code = StorageTool$.MODULE$.execute(args.toArray(String[]::new),
                new PrintStream(output, true, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new IllegalStateException("formatting Kafka storage failed: " + output);
        }
    }

    /** Starts (or restarts) the broker and waits until it answers. */
    public synchronized void start() {
        if (server != null || process != null) {
            return;
        }
        if (ownJvm) {
            process = KafkaBrokerProcess.start(properties(), dataDir.resolve("server-process.properties"),
                    dataDir.resolve("broker.log"));
            awaitReady(Duration.ofSeconds(90));
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
                if (process != null && !process.isAlive()) {
                    throw new IllegalStateException("Kafka (a child JVM) exited while starting; its output is in "
                            + dataDir.resolve("broker.log"));
                }
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
        if (process != null) {
            KafkaBrokerProcess.stop(process, Duration.ofSeconds(60));
            process = null;
        }
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /**
     * Kills the broker with SIGKILL, like {@code kill -9} or a machine losing power: no shutdown, connections cut
     * with requests in flight, its log left as it was. {@link #start()} brings it back on that data. Only for a broker
     * from {@link #launchInOwnJvm()}.
     */
    public synchronized void kill() {
        if (process == null) {
            throw new IllegalStateException("not a running broker in its own JVM: launch it with launchInOwnJvm");
        }
        KafkaBrokerProcess.kill(process);
        process = null;
    }

    /**
     * For people, to crash a broker by hand: {@code java -cp local-brokers/target/local-brokers.jar
     * io.github.mqexamples.brokers.LocalKafka [port] [data-dir]} starts a single KRaft node on {@code port} (9292)
     * with its data in {@code data-dir} (kafka-crash-data), until the JVM ends. Kill it with {@code kill -9} and
     * run the same command again: the broker recovers its log and serves the same topics, records and offsets.
     */
    public static void main(String[] args) {
        if (System.getenv("LOG_LEVEL") == null) {
            // The broker logs a great deal at INFO and WARN (a recovery after kill -9 is one long WARN story).
            System.setProperty("org.slf4j.simpleLogger.log.kafka", "error");
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        }
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9292;
        Path data = Path.of(args.length > 1 ? args[1] : "kafka-crash-data").toAbsolutePath();
        long t0 = System.nanoTime();
        LocalKafka kafka = launch(port, "localhost", data);
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop, "stop-kafka"));
        System.out.printf("Kafka ready in %.1f s: localhost:%d, data in %s (pid %d). kill -9 it, run this command"
                + " again: it starts on the same data.%n", (System.nanoTime() - t0) / 1e9, port, data,
                ProcessHandle.current().pid());
    }

    @Override
    public void close() {
        if (process != null && temporary) {
            kill(); // its data goes with it: no controlled shutdown to wait for
        }
        stop();
        if (temporary) {
            Directories.deleteRecursively(dataDir);
        }
    }
}
