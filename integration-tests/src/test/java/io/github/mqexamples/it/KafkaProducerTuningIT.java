package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.brokers.LocalKafka;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Scenario 10 (and the producer half of 5): the producer's tuning settings, applied and bounded. */
class KafkaProducerTuningIT {

    static final Duration RUN = Duration.ofSeconds(60);

    @Test
    void tunedSettingsAreAppliedAndEveryRecordArrives() throws Exception {
        String servers = TestBrokers.kafka().bootstrapServers();
        String topic = Await.unique("tuning");
        Map<String, String> env = KafkaTests.env(servers, topic, topic + "-group");
        Programs.Running producer = Programs.run(RUN, "kafka-producer", env, "--count", "200", "--linger-ms", "50",
                "--batch-size", "65536", "--compression", "zstd", "--delivery-timeout", "20s", "--partitions", "1");
        assertEquals(0, producer.exitCode(), producer.output());
        assertContains(producer.output(),
                "producer tuning: linger.ms=50 batch.size=65536 compression.type=zstd delivery.timeout.ms=20000");
        assertContains(producer.output(), "200 of 200 records acknowledged");

        var records = KafkaTests.readAll(servers, topic, 200, RUN);
        assertEquals(200, records.size());
        // Every record carries its own message id, for consumers that de-duplicate.
        assertEquals(200, new HashSet<>(records.stream()
                .map(r -> new String(r.headers().lastHeader("message-id").value())).toList()).size());

        try (Admin admin = KafkaTests.admin(servers)) {
            // Idempotent producers register a producer id with each partition they write; a plain producer
            // (enable.idempotence=false) writes with producer id -1 and is not listed.
            List<ProducerState> producers = admin.describeProducers(List.of(new TopicPartition(topic, 0)))
                    .partitionResult(new TopicPartition(topic, 0)).get().activeProducers();
            assertEquals(1, producers.size(), "one idempotent producer wrote the topic: " + producers);
            assertTrue(producers.get(0).producerId() >= 0);
        }
    }

    @Test
    void recordsTheClusterCannotTakeFailAfterTheDeliveryTimeoutNotNever() throws Exception {
        // A broker of its own, stopped in the middle of the stream: the producer retries quietly, and each
        // record still unacknowledged fails once --delivery-timeout has passed. The program ends, with code 1.
        try (LocalKafka broker = LocalKafka.launch()) {
            String topic = Await.unique("undeliverable");
            Programs.Running producer = Programs.start("kafka-producer", KafkaTests.env(broker.bootstrapServers(),
                    topic, "-"), "--count", "40", "--interval", "100ms", "--delivery-timeout", "3s", "--linger-ms", "0");
            producer.awaitLine(l -> l.contains("value='Hello Kafka! #5'"), RUN);
            broker.stop();
            long t0 = System.nanoTime();
            assertEquals(1, producer.awaitExit(RUN), producer.output());
            long seconds = Duration.ofNanos(System.nanoTime() - t0).toSeconds();
            assertContains(producer.output(), "could not send key=key-");
            assertContains(producer.output(), "TimeoutException");
            assertTrue(producer.output().matches("(?s).*only \\d+ of 40 records acknowledged, \\d+ failed, \\d+ not sent.*"),
                    producer.output());
            assertTrue(seconds < 30, "gave up a few seconds after the last send, not never: " + seconds + " s");
        }
    }

    @Test
    void wrongTuningIsNamed() {
        Programs.Running compression = Programs.run(RUN, "kafka-producer", Map.of(), "--compression", "brotli");
        assertEquals(2, compression.exitCode(), compression.output());
        assertContains(compression.output(),
                "invalid --compression: 'brotli', expected one of none, gzip, snappy, lz4, zstd");
        Programs.Running timeout = Programs.run(RUN, "kafka-producer", Map.of(), "--delivery-timeout", "500ms");
        assertEquals(2, timeout.exitCode(), timeout.output());
        assertContains(timeout.output(), "invalid --delivery-timeout: '500ms', expected at least --linger-ms + 1000ms");
    }
}
