package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.common.Throughput;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Long runs: --size, --log-messages false; a summary with msg/s, MB/s and, for consumers, latency percentiles. */
class ThroughputModeIT {

    static final Duration RUN = Duration.ofSeconds(90);
    static final Pattern CONSUMER_SUMMARY = Pattern.compile("summary: 2000 messages received in [\\d.]+ s: \\d+ msg/s,"
            + " [\\d.]+ MB/s, latency p50 [\\d.]+ ms p95 [\\d.]+ ms p99 [\\d.]+ ms");

    @Test
    void rabbitMqProducerAndConsumerReportThroughputAndLatency() {
        Map<String, String> env = Rabbit.env(Await.unique("throughput"));
        Programs.Running producer = Programs.run(RUN, "rabbitmq-producer", env, "--count", "2000", "--size", "100",
                "--log-messages", "false");
        assertEquals(0, producer.exitCode(), producer.output());
        assertContains(producer.output(), "summary: 2000 messages sent in ");
        assertTrue(producer.lines().stream().noneMatch(l -> l.contains("sent 'Hello")), "no line per message");

        Programs.Running consumer = Programs.run(RUN, "rabbitmq-consumer", env, "--max-messages", "2000",
                "--log-messages", "false");
        assertEquals(0, consumer.exitCode(), consumer.output());
        assertTrue(consumer.lines().stream().anyMatch(CONSUMER_SUMMARY.asPredicate()), consumer.output());
        assertTrue(consumer.lines().stream().noneMatch(l -> l.contains("received 'Hello")), "no line per message");
    }

    @Test
    void kafkaProducerAndConsumerReportThroughputAndLatency() {
        String topic = Await.unique("throughput");
        Map<String, String> env = KafkaTests.env(TestBrokers.kafka().bootstrapServers(), topic, topic);
        Programs.Running producer = Programs.run(RUN, "kafka-producer", env, "--count", "2000", "--size", "100",
                "--log-messages", "false");
        assertEquals(0, producer.exitCode(), producer.output());
        assertContains(producer.output(), "summary: 2000 messages sent in ");
        assertTrue(producer.lines().stream().noneMatch(l -> l.contains(" sent key=")), "no line per record");
        var records = KafkaTests.readAll(TestBrokers.kafka().bootstrapServers(), topic, 2000, RUN);
        assertEquals(2000, records.size());
        assertTrue(records.stream().allMatch(r -> r.value().length == 100), "every value padded to --size 100");

        Programs.Running consumer = Programs.run(RUN, "kafka-consumer", env, "--max-messages", "2000",
                "--max-poll-records", "500", "--log-messages", "false");
        assertEquals(0, consumer.exitCode(), consumer.output());
        assertTrue(consumer.lines().stream().anyMatch(CONSUMER_SUMMARY.asPredicate()), consumer.output());
        assertTrue(consumer.lines().stream().noneMatch(l -> l.contains(" received topic=")), "no line per record");
    }

    /**
     * At --rate 10 a producer waits 100 ms between sends. The send time it puts in the header is taken after that
     * wait, so the consumer's latency is the trip through the broker (milliseconds), not the wait.
     */
    @Test
    void atAFixedRateTheLatencyLeavesOutTheWaitBetweenSends() {
        Map<String, String> rabbit = Rabbit.env(Await.unique("paced"));
        Programs.Running rabbitConsumer = Programs.start("rabbitmq-consumer", rabbit, "--max-messages", "20",
                "--log-messages", "false");
        rabbitConsumer.awaitLine(l -> l.contains("waiting for messages"), RUN);
        assertEquals(0, Programs.run(RUN, "rabbitmq-producer", rabbit, "--count", "20", "--rate", "10",
                "--log-messages", "false").exitCode());
        assertEquals(0, rabbitConsumer.awaitExit(RUN), rabbitConsumer.output());
        assertLatencyP50Below(75, rabbitConsumer);
        // The premise: the 20 messages did wait for their turn. The consumer's clock runs from the first message
        // it received to the last: 19 turns of 100 ms, less at most the 1 s the pacer catches up on.
        Matcher received = Pattern.compile("20 messages received in ([\\d.]+) s").matcher(rabbitConsumer.output());
        assertTrue(received.find(), rabbitConsumer.output());
        assertTrue(Double.parseDouble(received.group(1)) >= 0.85,
                "the 20 paced messages arrived within " + received.group(1) + " s: --rate 10 not applied");

        String topic = Await.unique("paced");
        Map<String, String> kafka = KafkaTests.env(TestBrokers.kafka().bootstrapServers(), topic, topic);
        // The topic exists (one record) before the consumer joins, so its partitions are assigned at once.
        assertEquals(0, Programs.run(RUN, "kafka-producer", kafka, "--count", "1").exitCode());
        Programs.Running kafkaConsumer = Programs.start("kafka-consumer", kafka, "--max-messages", "21",
                "--log-messages", "false");
        kafkaConsumer.awaitLine(l -> l.contains("assigned partitions") && l.contains(topic + "-0"), RUN);
        assertEquals(0, Programs.run(RUN, "kafka-producer", kafka, "--count", "20", "--rate", "10",
                "--log-messages", "false").exitCode());
        assertEquals(0, kafkaConsumer.awaitExit(RUN), kafkaConsumer.output());
        assertLatencyP50Below(75, kafkaConsumer);
        // The premise: the 20 records did wait for their turn, as the send times in their headers show; without
        // --rate they would leave at once, and any latency would be low. 19 turns of 100 ms, less at most the 1 s
        // the pacer catches up on when the first send came late.
        List<Long> sentMicros = KafkaTests.readAll(TestBrokers.kafka().bootstrapServers(), topic, 21, RUN).stream()
                .map(r -> Long.parseLong(new String(r.headers().lastHeader(Throughput.SENT_AT_HEADER).value(),
                        StandardCharsets.UTF_8))).sorted().toList();
        assertEquals(21, sentMicros.size());
        long spanMs = (sentMicros.get(20) - sentMicros.get(1)) / 1000;
        assertTrue(spanMs >= 850, "the 20 paced records were sent within " + spanMs + " ms: --rate 10 not applied");
    }

    /** Below 75 ms: a loaded machine's trip through the broker fits, the 100 ms wait between sends would not. */
    private static void assertLatencyP50Below(double ms, Programs.Running consumer) {
        Matcher m = Pattern.compile("latency p50 ([\\d.]+) ms").matcher(consumer.output());
        assertTrue(m.find(), consumer.output());
        assertTrue(Double.parseDouble(m.group(1)) < ms, "p50 " + m.group(1) + " ms, not below " + ms + " ms: "
                + consumer.output());
    }
}
