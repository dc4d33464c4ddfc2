package io.github.mqexamples.brokers;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * {@code local-brokers --tls}, the Kafka side: the broker with a SASL_SSL listener besides its PLAINTEXT one, two
 * users with random passwords (alice, the super user; bob, allowed only the topics and groups starting with
 * {@value #BOB_PREFIX}), and a ready client.properties for each, which a program takes with {@code --client-config}.
 * With a data directory, the certificates, passwords and users stay there for the next start.
 */
public final class LocalKafkaTls implements AutoCloseable {

    public static final String SUPER_USER = "alice";
    public static final String LIMITED_USER = "bob";
    public static final String BOB_PREFIX = "orders";

    private final LocalKafka kafka;
    private final Path dir;
    private final boolean temporary;

    private LocalKafkaTls(LocalKafka kafka, Path dir, boolean temporary) {
        this.kafka = kafka;
        this.dir = dir;
        this.temporary = temporary;
    }

    /**
     * Starts the broker on {@code port} (PLAINTEXT) and {@code port + 1} (SASL_SSL), or on free ports for 0;
     * {@code dataDir} null: everything in temporary directories, deleted by {@link #close()}.
     */
    public static LocalKafkaTls launch(int port, String advertisedHost, Path dataDir) {
        try {
            Path dir = dataDir == null ? Files.createTempDirectory("mq-examples-kafka-tls-")
                    : Files.createDirectories(dataDir.resolve("kafka-tls"));
            Certificates certificates = Certificates.in(dir.resolve("certs"));
            Map<String, String> users = passwords(dir.resolve("users.properties"));
            LocalKafka kafka = LocalKafka.launchSecure(port, port == 0 ? 0 : port + 1, advertisedHost, dataDir,
                    LocalKafka.Security.of(certificates, users, SUPER_USER));
            kafka.allow(LIMITED_USER, BOB_PREFIX, BOB_PREFIX); // kept in the metadata; the same ACL again is no change
            kafka.writeClientConfig(dir.resolve("client.properties"), SUPER_USER);
            kafka.writeClientConfig(dir.resolve("client-bob.properties"), LIMITED_USER);
            return new LocalKafkaTls(kafka, dir, dataDir == null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The users' passwords: those of an earlier start (the broker's metadata has them), else new random ones. */
    private static Map<String, String> passwords(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                p.load(in);
            }
        } else {
            SecureRandom random = new SecureRandom();
            for (String user : new String[] {SUPER_USER, LIMITED_USER}) {
                byte[] bytes = new byte[12];
                random.nextBytes(bytes);
                p.setProperty(user, HexFormat.of().formatHex(bytes));
            }
            try (Writer out = Files.newBufferedWriter(file)) {
                p.store(out, "SCRAM passwords of the local Kafka's users (also in the client*.properties files)");
            }
        }
        Map<String, String> users = new LinkedHashMap<>();
        users.put(SUPER_USER, p.getProperty(SUPER_USER));
        users.put(LIMITED_USER, p.getProperty(LIMITED_USER));
        return users;
    }

    public LocalKafka kafka() {
        return kafka;
    }

    /** The client settings of alice, the super user. */
    public Path clientConfig() {
        return dir.resolve("client.properties");
    }

    /** The client settings of bob, who may use only the topics and groups starting with {@value #BOB_PREFIX}. */
    public Path limitedClientConfig() {
        return dir.resolve("client-bob.properties");
    }

    @Override
    public void close() {
        kafka.close();
        if (temporary) {
            Directories.deleteRecursively(dir);
        }
    }
}
