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
                "--log-messages", "false", "--max-poll-records", "500", "--commit-interval", "1s",
                "--concurrency", "3"));
        assertEquals(KafkaConsumerConfig.builder("k:1", "t", "g").maxMessages(9).work(config.work()).maxAttempts(4)
                .retryDelay(Duration.ofSeconds(2)).commit(CommitMode.ASYNC).logMessages(false).maxPollRecords(500)
                .commitInterval(Duration.ofSeconds(1)).concurrency(3).build(), config);
    }

    @Test
    void badConcurrenciesAreNamed() {
        assertEquals("invalid --concurrency: '0', expected a whole number from 1 to 1000", assertThrows(
                UsageException.class, () -> KafkaConsumerApp.config(flags("--concurrency", "0"))).getMessage());
        assertEquals("invalid KAFKA_CONSUMER_CONCURRENCY (the --concurrency setting): 'three', expected a whole"
                + " number from 1 to 1000", assertThrows(UsageException.class, () -> KafkaConsumerApp.config(
                KafkaConsumerApp.SETTINGS.parse(new String[0], Map.of("KAFKA_CONSUMER_CONCURRENCY", "three"))))
                .getMessage());
    }

    @Test
    void aShareGroupRefusesSeveralMembersPerProcess() {
        assertEquals("invalid --concurrency: '3', expected 1 with --share-group (one share-group member per process:"
                + " start more processes)", assertThrows(UsageException.class, () -> KafkaConsumerApp.shareConfig(
                flags("--share-group", "s", "--concurrency", "3"), "s")).getMessage());
        assertEquals("s", KafkaConsumerApp.shareConfig(flags("--share-group", "s"), "s").shareGroup());
    }

    @Test
    void theTransactionalStepTakesItsSettingsAndRefusesWhatDoesNotCombine() {
        TransactionalStep.Config step = KafkaConsumerApp.stepConfig(flags("--topic", "in", "--output-topic", "out",
                "--transactional-id", "step-1", "--max-poll-records", "100"), "out");
        assertEquals("in", step.topic());
        assertEquals("out", step.outputTopic());
        assertEquals("step-1", step.transactionalId());
        assertEquals(100, step.maxPollRecords());
        assertEquals("--output-topic needs --transactional-id: an id of this step, the same for every restart of it",
                assertThrows(UsageException.class, () -> KafkaConsumerApp.stepConfig(flags("--output-topic", "out"),
                        "out")).getMessage());
        assertEquals("invalid --concurrency: '2', expected 1 with --output-topic (one transactional id per process:"
                + " start more processes, each with an id of its own)", assertThrows(UsageException.class,
                () -> KafkaConsumerApp.stepConfig(flags("--output-topic", "out", "--transactional-id", "x",
                        "--concurrency", "2"), "out")).getMessage());
        assertEquals("invalid --isolation: 'read_uncommitted', expected read_committed with --output-topic (the step"
                + " reads only committed input)", assertThrows(UsageException.class, () -> KafkaConsumerApp.stepConfig(
                flags("--output-topic", "out", "--transactional-id", "x", "--isolation", "read_uncommitted"), "out"))
                .getMessage());
        assertEquals("invalid --isolation: 'none', expected one of read_committed, read_uncommitted",
                assertThrows(UsageException.class, () -> KafkaConsumerApp.config(flags("--isolation", "none")))
                        .getMessage());
        assertEquals("read_uncommitted", KafkaConsumerApp.config(flags("--isolation", "read_uncommitted")).isolation());
    }

    @Test
    void aBadCommitModeIsNamedWithTheValuesItAccepts() {
        assertEquals("invalid --commit: 'later', expected one of sync, async", assertThrows(UsageException.class,
                () -> KafkaConsumerApp.config(flags("--commit", "later"))).getMessage());
    }
}
