package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static io.github.mqexamples.it.Checks.assertLacks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.brokers.FreePorts;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The four jars run as a person runs them: output, exit codes, signals. */
class ProgramsIT {

    static final Duration RUN = Duration.ofSeconds(60);

    static Map<String, String> kafkaEnv(String topic) {
        return KafkaTests.env(TestBrokers.kafka().bootstrapServers(), topic, topic + "-group");
    }

    @Test
    void rabbitMqProducerThenConsumer() {
        Map<String, String> env = Rabbit.env(Await.unique("jar"));
        Programs.Running producer = Programs.run(RUN, "rabbitmq-producer", env, "--count", "3");
        assertEquals(0, producer.exitCode(), producer.output());
        assertContains(producer.output(), "sent 'Hello World! #3' (message id ");
        assertContains(producer.output(), "3 of 3 messages confirmed by the broker");

        Programs.Running consumer = Programs.run(RUN, "rabbitmq-consumer", env, "--max-messages", "3");
        assertEquals(0, consumer.exitCode(), consumer.output());
        for (int i = 1; i <= 3; i++) {
            assertContains(consumer.output(), "received 'Hello World! #" + i + "'");
        }
        assertContains(consumer.output(), "stopped after 3 message(s)");
    }

    @Test
    void kafkaProducerThenConsumer() {
        Map<String, String> env = kafkaEnv(Await.unique("jar"));
        Programs.Running producer = Programs.run(RUN, "kafka-producer", env, "--count", "3");
        assertEquals(0, producer.exitCode(), producer.output());
        assertEquals(3, producer.lines().stream().filter(l -> l.matches(".*sent key=key-\\d value='Hello Kafka! #\\d'"
                + " partition=\\d+ offset=\\d+")).count(), producer.output());

        Programs.Running consumer = Programs.run(RUN, "kafka-consumer", env, "--max-messages", "3");
        assertEquals(0, consumer.exitCode(), consumer.output());
        for (int i = 1; i <= 3; i++) {
            assertContains(consumer.output(), "key=key-" + i + " value='Hello Kafka! #" + i + "'");
        }
        assertContains(consumer.output(), "stopped after 3 record(s)");
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "rabbitmq-producer | --count | abc | invalid --count: 'abc', expected a whole number >= 1",
        "rabbitmq-producer | --count | 0 | invalid --count: '0', expected a whole number >= 1",
        "rabbitmq-producer | --url | http://localhost | invalid --url / RABBITMQ_URL: 'http://localhost'",
        "rabbitmq-producer | --queue-type | stream | invalid --queue-type: 'stream', expected one of quorum, classic",
        "rabbitmq-consumer | --prefetch | -1 | invalid --prefetch: '-1', expected a whole number from 1 to 65535",
        "rabbitmq-consumer | --ack | sometimes | invalid --ack: 'sometimes', expected one of manual, auto",
        "kafka-producer | --partitions | many | invalid --partitions: 'many'",
        "kafka-consumer | --max-messages | -5 | invalid --max-messages: '-5'",
        "kafka-consumer | --colour | blue | unknown setting --colour (--help lists the settings)",
    })
    void aWrongSettingIsNamedAndExitsWith2(String program, String flag, String value, String expected) {
        Programs.Running run = Programs.run(RUN, program, Map.of(), flag, value);
        assertEquals(2, run.exitCode(), run.output());
        assertEquals(1, run.lines().size(), "one line: " + run.output());
        assertContains(run.output(), program + ": " + expected);
    }

    @Test
    void aWrongEnvironmentVariableIsNamed() {
        Programs.Running run = Programs.run(RUN, "rabbitmq-producer", Map.of("MESSAGE_COUNT", "lots"));
        assertEquals(2, run.exitCode(), run.output());
        assertContains(run.output(), "invalid MESSAGE_COUNT (the --count setting): 'lots'");
    }

    @Test
    void aFlagWinsOverTheEnvironment() {
        Map<String, String> env = new java.util.HashMap<>(Rabbit.env(Await.unique("precedence")));
        env.put("MESSAGE_COUNT", "5");
        Programs.Running run = Programs.run(RUN, "rabbitmq-producer", env, "--count", "2");
        assertEquals(0, run.exitCode(), run.output());
        assertContains(run.output(), "2 of 2 messages confirmed");
    }

    /**
     * The four programs start side by side: each mostly waits for its connect timeout (5 s for RabbitMQ, 8 s for
     * Kafka), so all four are done within seconds, not the minute the clients would wait by default. The bound
     * leaves room for four JVMs starting at once on a loaded machine.
     */
    @Test
    void anUnreachableBrokerIsOneLineAndExitCode1() {
        String port = String.valueOf(FreePorts.next());
        Map<String, String> env = Map.of("RABBITMQ_URL", "amqp://guest:s3cret@127.0.0.1:" + port + "/",
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + port);
        long t0 = System.nanoTime();
        Map<String, Programs.Running> runs = new LinkedHashMap<>();
        for (String program : new String[] {"rabbitmq-producer", "rabbitmq-consumer", "kafka-producer", "kafka-consumer"}) {
            runs.put(program, Programs.start(program, env));
        }
        runs.forEach((program, run) -> {
            run.awaitExit(Duration.ofSeconds(30));
            String output = program + ":\n" + run.output();
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(25).toNanos(), "took too long: " + output);
            assertEquals(1, run.exitCode(), output);
            assertEquals(1, run.lines().stream().filter(l -> !l.contains(" INFO ")).count(), output);
            assertContains(run.output(), "cannot reach ");
            assertContains(run.output(), "127.0.0.1:" + port);
            assertLacks(run.output(), "\tat ");
            assertLacks(run.output(), "s3cret");
        });
    }

    @Test
    void wrongCredentialsSayAuthenticationFailedAndHideThePassword() {
        String url = TestBrokers.rabbitMq().amqpUrl().replaceFirst("://[^@]*@", "://guest:Wr0ngPass@");
        Programs.Running run = Programs.run(RUN, "rabbitmq-producer", Map.of("RABBITMQ_URL", url));
        assertEquals(1, run.exitCode(), run.output());
        assertContains(run.output(), "refused the login of user 'guest': authentication failed");
        assertLacks(run.output(), "Wr0ngPass");
    }

    @ParameterizedTest
    @CsvSource({"rabbitmq-producer", "rabbitmq-consumer", "kafka-producer", "kafka-consumer"})
    void helpListsEverySettingWithItsEnvironmentVariable(String program) {
        Programs.Running run = Programs.run(RUN, program, Map.of(), "--help");
        assertEquals(0, run.exitCode(), run.output());
        assertContains(run.output(), "Usage: java -jar " + program + "/target/" + program + ".jar");
        for (String env : program.startsWith("rabbitmq") ? new String[] {"RABBITMQ_URL", "RABBITMQ_QUEUE"}
                : new String[] {"KAFKA_BOOTSTRAP_SERVERS", "KAFKA_TOPIC"}) {
            assertContains(run.output(), "env " + env + ", default ");
        }
    }

    @Test
    void rabbitMqConsumerStopsCleanlyOnSigterm() {
        Programs.Running consumer = Programs.start("rabbitmq-consumer", Rabbit.env(Await.unique("sigterm")));
        consumer.awaitLine(l -> l.contains("waiting for messages"), RUN);
        consumer.terminate();
        assertEquals(0, consumer.awaitExit(Duration.ofSeconds(30)), consumer.output());
        assertContains(consumer.output(), "stopped after 0 message(s)");
    }

    @Test
    void kafkaConsumerStopsCleanlyOnSigterm() {
        Programs.Running consumer = Programs.start("kafka-consumer", kafkaEnv(Await.unique("sigterm")));
        consumer.awaitLine(l -> l.contains("assigned partitions"), RUN);
        consumer.terminate();
        assertEquals(0, consumer.awaitExit(Duration.ofSeconds(30)), consumer.output());
        assertContains(consumer.output(), "stopped after 0 record(s)");
    }
}
