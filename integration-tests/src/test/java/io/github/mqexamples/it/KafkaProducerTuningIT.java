package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.brokers.LocalKafka;
import io.github.mqexamples.it.KafkaTests.StoredBatch;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.CompressionType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenario 10 (and the producer half of 5): the producer's tuning settings, each seen where it takes effect.
 * Compression, linger.ms and batch.size shape the record batches, which a consumer never sees; the tests read
 * them as a broker of their own stored them, from its files.
 */
class KafkaProducerTuningIT {

    static final Duration RUN = Duration.ofSeconds(60);
    static final Pattern SUMMARY = Pattern.compile("only (\\d+) of 40 records acknowledged, (\\d+) failed, (\\d+) not sent");

    static LocalKafka broker;

    @BeforeAll
    static void startBroker() {
        broker = LocalKafka.launch();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    static List<StoredBatch> stored(String topic) {
        return KafkaTests.batches(broker.logDir().resolve(topic + "-0"));
    }

    @Test
    void compressionIsWhatTheBrokerStoresAndEveryRecordArrivesOnce() throws Exception {
        String servers = broker.bootstrapServers();
        String topic = Await.unique("compressed");
        Programs.Running producer = Programs.run(RUN, "kafka-producer", KafkaTests.env(servers, topic, "-"),
                "--count", "200", "--linger-ms", "50", "--batch-size", "65536", "--compression", "zstd",
                "--partitions", "1");
        assertEquals(0, producer.exitCode(), producer.output());
        assertContains(producer.output(), "200 of 200 records acknowledged");

        // The producer compresses whole batches; the broker keeps them as they came (compression.type=producer),
        // codec in each batch's header.
        List<StoredBatch> batches = stored(topic);
        assertEquals(200, batches.stream().mapToInt(StoredBatch::records).sum(), batches.toString());
        assertTrue(batches.stream().allMatch(b -> b.compression() == CompressionType.ZSTD),
                "every batch stored zstd-compressed: " + batches);

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
    void lingerKeepsRecordsSentApartInOneBatchUntilItReachesTheBatchSize() {
        // 40 records of about 120 bytes, 10 ms apart. With the default linger.ms (5) each would leave alone; with
        // --linger-ms 5000 they wait for one another, and a batch leaves once it is full at --batch-size bytes
        // (the last one when the program flushes at its end).
        String topic = Await.unique("lingered");
        Programs.Running producer = Programs.run(RUN, "kafka-producer",
                KafkaTests.env(broker.bootstrapServers(), topic, "-"), "--count", "40", "--interval", "10ms",
                "--linger-ms", "5000", "--batch-size", "1024", "--partitions", "1");
        assertEquals(0, producer.exitCode(), producer.output());
        assertContains(producer.output(), "40 of 40 records acknowledged");

        List<StoredBatch> batches = stored(topic);
        assertEquals(40, batches.stream().mapToInt(StoredBatch::records).sum(), batches.toString());
        for (StoredBatch batch : batches) {
            assertTrue(batch.bytes() <= 1024, "no batch larger than --batch-size: " + batches);
        }
        for (StoredBatch full : batches.subList(0, batches.size() - 1)) {
            long span = Collections.max(full.timestamps()) - Collections.min(full.timestamps());
            assertTrue(full.records() >= 5 && span >= 30, "a full batch holds records sent at least 30 ms apart,"
                    + " six times the default linger: " + full + "; all: " + batches);
        }
    }

    /**
     * A broker of its own, stopped in the middle of the stream: the producer retries quietly, and each record
     * still unacknowledged fails once --delivery-timeout has passed. The program ends, with code 1.
     *
     * <p>Not sooner, either. The client fails a batch when delivery.timeout.ms has passed since the batch was
     * created, which is when its first record was sent; records sent later join it while it waits. So the
     * guarantee is: the first failure comes at least the timeout after the send of the first record that failed.
     * Counting from the broker's stop would be wrong both ways (a record in flight at the stop fails sooner than
     * stop + timeout). Record N is sent no sooner than (N - 1) x --interval after the program logged its tuning,
     * which it does before its first send; the programs' log times are the clock.
     */
    @Test
    void recordsTheClusterCannotTakeFailAfterTheDeliveryTimeoutNotSoonerAndNotNever() throws Exception {
        try (LocalKafka own = LocalKafka.launch()) {
            String topic = Await.unique("undeliverable");
            Programs.Running producer = Programs.start("kafka-producer", KafkaTests.env(own.bootstrapServers(),
                    topic, "-"), "--count", "40", "--interval", "100ms", "--delivery-timeout", "3s", "--linger-ms", "0");
            producer.awaitLine(l -> l.contains("value='Hello Kafka! #5'"), RUN);
            own.stop();
            long t0 = System.nanoTime();
            assertEquals(1, producer.awaitExit(RUN), producer.output());
            long seconds = Duration.ofNanos(System.nanoTime() - t0).toSeconds();
            assertContains(producer.output(), "TimeoutException");
            assertTrue(seconds < 30, "gave up a few seconds after the last send, not never: " + seconds + " s");

            Matcher summary = SUMMARY.matcher(producer.output());
            assertTrue(summary.find(), producer.output());
            int acknowledged = Integer.parseInt(summary.group(1));
            int failed = Integer.parseInt(summary.group(2));
            int notSent = Integer.parseInt(summary.group(3));
            assertTrue(failed > 0, "records failed, not only left unsent: " + summary.group());
            assertTrue(acknowledged >= 5, summary.group());
            assertEquals(40, acknowledged + failed + notSent, summary.group());

            List<String> lines = producer.lines();
            LocalTime tuned = KafkaTests.loggedAt(lines.stream().filter(l -> l.contains("producer tuning:"))
                    .findFirst().orElseThrow());
            Pattern couldNotSend = Pattern.compile("could not send key=key-(\\d+) ");
            List<String> failures = lines.stream().filter(l -> couldNotSend.matcher(l).find()).toList();
            assertEquals(failed, failures.size(), producer.output());
            int firstFailed = failures.stream().mapToInt(l -> {
                Matcher m = couldNotSend.matcher(l);
                m.find();
                return Integer.parseInt(m.group(1));
            }).min().orElseThrow();
            long firstFailure = KafkaTests.millisBetween(tuned, KafkaTests.loggedAt(failures.get(0)));
            long notBefore = (firstFailed - 1) * 100L + 3_000;
            // 10 ms for the log times, which are cut to whole milliseconds.
            assertTrue(firstFailure >= notBefore - 10, "the first failure came " + firstFailure + " ms after the"
                    + " tuning line; record #" + firstFailed + " was sent no sooner than " + (notBefore - 3_000)
                    + " ms after it, so its failure is due no sooner than " + notBefore + " ms");
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
