package io.github.mqexamples.it;

import io.github.mqexamples.brokers.LocalKafka;
import io.github.mqexamples.brokers.LocalRabbitMq;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The one place that decides where the tests get their brokers, once per test run:
 * <ol>
 *   <li>addresses given in the environment: MQ_TEST_RABBITMQ_URL (with MQ_TEST_RABBITMQ_MANAGEMENT_URL) and
 *       MQ_TEST_KAFKA_BOOTSTRAP_SERVERS;</li>
 *   <li>else, where Docker answers, Testcontainers (RabbitMQ 4.x with management, Apache Kafka 4.x);</li>
 *   <li>else real local brokers: a private RabbitMQ node from the installed rabbitmq-server and a KRaft Kafka
 *       broker in this JVM, on free ports, with their data in temporary directories.</li>
 * </ol>
 * Never a skip: without any of the three, the tests fail and say what to install.
 * Each test uses its own queue, topic and group names, so tests do not see each other's messages.
 * Everything started here is stopped, and its files deleted, when the test JVM exits.
 */
public final class TestBrokers {

    static final String RABBITMQ_IMAGE = "rabbitmq:4.1-management"; // same as docker-compose.yml
    static final String KAFKA_IMAGE = "apache/kafka:4.3.1"; // same as docker-compose.yml

    /** A RabbitMQ broker for tests. */
    public interface RabbitMq {
        String amqpUrl();

        /** Base URL of the management HTTP API, e.g. http://127.0.0.1:15672. */
        String managementUrl();

        String where();

        /**
         * Really restarts the broker (same address, same data): a local node is stopped and started, a container
         * has its RabbitMQ application stopped and started. Returns once the broker accepts connections again.
         */
        void restart() throws Exception;

        /** Runs {@code rabbitmqctl ARGS} on the broker, e.g. to raise a memory alarm; fails if it fails. */
        void ctl(String... args) throws Exception;

        /** A request to the management API with the broker's credentials. */
        default HttpRequest.Builder management(String path) {
            return HttpRequest.newBuilder(URI.create(managementUrl() + path)).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (user() + ":" + password()).getBytes(StandardCharsets.UTF_8)));
        }

        default String user() {
            return "guest";
        }

        default String password() {
            return "guest";
        }
    }

    /** A Kafka cluster for tests. */
    public interface Kafka {
        String bootstrapServers();

        String where();
    }

    private static RabbitMq rabbitMq;
    private static Kafka kafka;
    private static Boolean docker;

    private TestBrokers() {
    }

    public static synchronized RabbitMq rabbitMq() {
        if (rabbitMq == null) {
            rabbitMq = startRabbitMq();
            System.out.println("[test brokers] RabbitMQ: " + rabbitMq.where());
        }
        return rabbitMq;
    }

    public static synchronized Kafka kafka() {
        if (kafka == null) {
            kafka = startKafka();
            System.out.println("[test brokers] Kafka: " + kafka.where());
        }
        return kafka;
    }

    private static RabbitMq startRabbitMq() {
        String url = System.getenv("MQ_TEST_RABBITMQ_URL");
        if (url != null && !url.isBlank()) {
            String management = System.getenv().getOrDefault("MQ_TEST_RABBITMQ_MANAGEMENT_URL",
                    "http://" + URI.create(url).getHost() + ":15672");
            return rabbit(url, management, "given by MQ_TEST_RABBITMQ_URL: " + url.replaceFirst(":[^:@/]*@", ":****@"),
                    () -> {
                        throw new IllegalStateException("a broker given by MQ_TEST_RABBITMQ_URL cannot be restarted by"
                                + " the tests: unset it to run the restart scenarios on a broker they start");
                    }, args -> {
                        throw new IllegalStateException("the tests cannot run rabbitmqctl on a broker given by"
                                + " MQ_TEST_RABBITMQ_URL: unset it to run the resource-alarm scenario");
                    });
        }
        if (dockerAvailable()) {
            RabbitMQContainer container = new RabbitMQContainer(DockerImageName.parse(RABBITMQ_IMAGE));
            container.start();
            onExit(container::stop);
            return new RabbitMq() {
                @Override public String amqpUrl() {
                    return "amqp://" + user() + ":" + password() + "@" + container.getHost() + ":"
                            + container.getAmqpPort() + "/";
                }
                @Override public String managementUrl() { return container.getHttpUrl(); }
                @Override public String user() { return container.getAdminUsername(); }
                @Override public String password() { return container.getAdminPassword(); }
                @Override public String where() { return "Testcontainers " + RABBITMQ_IMAGE; }
                @Override public void restart() throws Exception {
                    // A step that failed would leave the broker running as it was: the restart scenarios would
                    // pass without any restart. ctl fails on a non-zero exit code.
                    ctl("stop_app");
                    ctl("start_app");
                    ctl("await_startup");
                }
                @Override public void ctl(String... args) throws Exception {
                    String[] command = new String[args.length + 1];
                    command[0] = "rabbitmqctl";
                    System.arraycopy(args, 0, command, 1, args.length);
                    var result = container.execInContainer(command);
                    if (result.getExitCode() != 0) {
                        throw new IllegalStateException(String.join(" ", command) + " exited with "
                                + result.getExitCode() + ": " + result.getStdout() + result.getStderr());
                    }
                }
            };
        }
        if (!LocalRabbitMq.installed()) {
            throw new IllegalStateException("No RabbitMQ for the tests: Docker does not answer and " + LocalRabbitMq.SERVER
                    + " is missing. Install it (apt-get install -y rabbitmq-server), start Docker, or set"
                    + " MQ_TEST_RABBITMQ_URL.");
        }
        long t0 = System.nanoTime();
        LocalRabbitMq node = LocalRabbitMq.launch();
        onExit(node::close);
        return rabbit(node.amqpUrl(), node.managementUrl(), String.format(
                "private local node at %s, ready in %.1f s", node.amqpUrl(), (System.nanoTime() - t0) / 1e9), () -> {
                    node.stop();
                    node.start();
                }, node::ctl);
    }

    /** How a broker is restarted. */
    private interface Restart {
        void run() throws Exception;
    }

    /** How rabbitmqctl is run on a broker. */
    private interface Ctl {
        void run(String... args) throws Exception;
    }

    private static RabbitMq rabbit(String url, String management, String where, Restart restart, Ctl ctl) {
        return new RabbitMq() {
            @Override public String amqpUrl() { return url; }
            @Override public String managementUrl() { return management; }
            @Override public String where() { return where; }
            @Override public void restart() throws Exception { restart.run(); }
            @Override public void ctl(String... args) throws Exception { ctl.run(args); }
        };
    }

    private static Kafka startKafka() {
        String servers = System.getenv("MQ_TEST_KAFKA_BOOTSTRAP_SERVERS");
        if (servers != null && !servers.isBlank()) {
            return kafka(servers, "given by MQ_TEST_KAFKA_BOOTSTRAP_SERVERS: " + servers);
        }
        if (dockerAvailable()) {
            KafkaContainer container = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE))
                    .withEnv("KAFKA_NUM_PARTITIONS", "3")
                    // One broker: share groups keep their state in a topic that, by default, wants 3 copies.
                    .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
                    .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1");
            container.start();
            onExit(container::stop);
            return kafka(container.getBootstrapServers(), "Testcontainers " + KAFKA_IMAGE);
        }
        long t0 = System.nanoTime();
        LocalKafka broker = LocalKafka.launch();
        onExit(broker::close);
        return kafka(broker.bootstrapServers(), String.format("KRaft broker in this JVM at %s, ready in %.1f s",
                broker.bootstrapServers(), (System.nanoTime() - t0) / 1e9));
    }

    private static Kafka kafka(String servers, String where) {
        return new Kafka() {
            @Override public String bootstrapServers() { return servers; }
            @Override public String where() { return where; }
        };
    }

    private static synchronized boolean dockerAvailable() {
        if (docker == null) {
            try {
                docker = DockerClientFactory.instance().isDockerAvailable();
            } catch (Throwable e) {
                docker = false;
            }
            System.out.println("[test brokers] Docker " + (docker ? "answers: using Testcontainers"
                    : "does not answer: using real local brokers"));
        }
        return docker;
    }

    private static void onExit(Runnable stop) {
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "stop-test-broker"));
    }
}
