package io.github.mqexamples.kafka.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.mqexamples.common.UsageException;
import io.github.mqexamples.common.Values;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaConsumerConfigTest {

    static Values flags(String... args) {
        return KafkaConsumerApp.SETTINGS.parse(args, Map.of());
    }

    @Test
    void theBuildersDefaultsAreTheProgramsDefaults() {
        assertEquals(KafkaConsumerApp.config(flags()),
                KafkaConsumerConfig.builder("localhost:9092", "test-topic", "test-group").build());
    }

    @Test
    void eachFlagReachesItsField() {
        KafkaConsumerConfig config = KafkaConsumerApp.config(flags("--bootstrap-servers", "k:1", "--topic", "t",
                "--group", "g", "--max-messages", "9", "--max-attempts", "4", "--retry-delay", "2s", "--commit", "async",
                "--log-messages", "false", "--max-poll-records", "500", "--commit-interval", "1s"));
        assertEquals(KafkaConsumerConfig.builder("k:1", "t", "g").maxMessages(9).work(config.work()).maxAttempts(4)
                .retryDelay(Duration.ofSeconds(2)).commit(CommitMode.ASYNC).logMessages(false).maxPollRecords(500)
                .commitInterval(Duration.ofSeconds(1)).build(), config);
    }

    @Test
    void aBadCommitModeIsNamedWithTheValuesItAccepts() {
        assertEquals("invalid --commit: 'later', expected one of sync, async", assertThrows(UsageException.class,
                () -> KafkaConsumerApp.config(flags("--commit", "later"))).getMessage());
    }
}
