package io.github.mqexamples.kafka.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.mqexamples.common.UsageException;
import io.github.mqexamples.common.Values;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaProducerConfigTest {

    static Values flags(String... args) {
        return KafkaProducerApp.SETTINGS.parse(args, Map.of());
    }

    @Test
    void theBuildersDefaultsAreTheProgramsDefaults() {
        assertEquals(KafkaProducerApp.config(flags()), KafkaProducerConfig.builder("localhost:9092", "test-topic").build());
    }

    @Test
    void eachFlagReachesItsField() {
        KafkaProducerConfig config = KafkaProducerApp.config(flags("--bootstrap-servers", "k:1", "--topic", "t",
                "--partitions", "6", "--replication-factor", "3", "--count", "9", "--message", "hi", "--key", "k",
                "--interval", "100ms", "--linger-ms", "20", "--batch-size", "65536", "--compression", "zstd",
                "--delivery-timeout", "1m", "--size", "100", "--rate", "500", "--log-messages", "false"));
        assertEquals(KafkaProducerConfig.builder("k:1", "t").partitions(6).replicationFactor((short) 3).count(9)
                .message("hi").key("k").interval(Duration.ofMillis(100)).lingerMs(20).batchSize(65_536)
                .compression(Compression.ZSTD).deliveryTimeout(Duration.ofMinutes(1)).size(100).rate(500)
                .logMessages(false).build(), config);
    }

    @Test
    void badThreadCountsAreNamed() {
        assertEquals("invalid --threads: '0', expected a whole number from 1 to 1000", assertThrows(
                UsageException.class, () -> KafkaProducerApp.config(flags("--threads", "0"))).getMessage());
        assertEquals("invalid KAFKA_PRODUCER_THREADS (the --threads setting): 'many', expected a whole number from 1"
                + " to 1000", assertThrows(UsageException.class, () -> KafkaProducerApp.config(
                KafkaProducerApp.SETTINGS.parse(new String[0], Map.of("KAFKA_PRODUCER_THREADS", "many"))))
                .getMessage());
    }

    @Test
    void severalThreadsAreNotPacedByIntervalButByRate() {
        assertEquals("invalid --threads: '2', expected 1 with --interval (use --rate to pace several threads)",
                assertThrows(UsageException.class, () -> KafkaProducerApp.config(flags("--threads", "2",
                        "--interval", "100ms"))).getMessage());
        assertEquals(KafkaProducerConfig.builder("localhost:9092", "test-topic").threads(2).rate(100).build(),
                KafkaProducerApp.config(flags("--threads", "2", "--rate", "100")));
    }

    @Test
    void aBadCompressionIsNamedWithTheValuesItAccepts() {
        assertEquals("invalid --compression: 'zip', expected one of none, gzip, snappy, lz4, zstd", assertThrows(
                UsageException.class, () -> KafkaProducerApp.config(flags("--compression", "zip"))).getMessage());
    }

    @Test
    void theClientGetsTheSettingsByTheirKafkaNames() {
        Properties props = KafkaProducerExample.properties(KafkaProducerConfig.builder("k:1", "t")
                .compression(Compression.LZ4).lingerMs(0).deliveryTimeout(Duration.ofSeconds(5)).build());
        assertEquals("lz4", props.get("compression.type"));
        assertEquals("all", props.get("acks"));
        assertEquals(true, props.get("enable.idempotence"));
        assertEquals(5_000, props.get("delivery.timeout.ms"));
        assertEquals(5_000, props.get("request.timeout.ms"), "fits in the delivery timeout with linger.ms");
        assertEquals(5_000, props.get("max.block.ms"), "send() waits for metadata as long as a delivery may take");
    }

    @Test
    void sendMayWaitForMetadataAsLongAsTheDeliveryTimeoutNotTenSeconds() {
        // A broker killed and restarted within --delivery-timeout: send() blocks for the topic's metadata meanwhile,
        // and must not give up before the timeout the person chose (it once stopped at 10 s of 30).
        Properties props = KafkaProducerExample.properties(KafkaProducerConfig.builder("k:1", "t").build());
        assertEquals(30_000, props.get("delivery.timeout.ms"));
        assertEquals(30_000, props.get("max.block.ms"));
        assertEquals(10_000, props.get("request.timeout.ms"), "one request still gives up after 10 s, and is retried");
    }

    @Test
    void theRecordsNotAcknowledgedAreNamedAsRanges() {
        AcknowledgedRecords acknowledged = new AcknowledgedRecords();
        assertEquals("#1-#5", acknowledged.missing(5));
        for (int n : new int[] {1, 2, 3, 5, 8, 9}) {
            acknowledged.add(n);
        }
        assertEquals("#4, #6-#7, #10", acknowledged.missing(10));
        assertEquals("#4, #6-#7", acknowledged.missing(9));
        for (int n = 1; n <= 10; n++) {
            acknowledged.add(n);
        }
        assertEquals("", acknowledged.missing(10));
    }
}
