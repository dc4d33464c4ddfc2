package io.github.mqexamples.kafka.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class RetryPausesTest {

    static final TopicPartition RETRY_0 = new TopicPartition("t.retry", 0);
    static final TopicPartition RETRY_1 = new TopicPartition("t.retry", 1);

    final RetryPauses pauses = new RetryPauses();
    final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");

    RetryPausesTest() {
        consumer.assign(List.of(RETRY_0, RETRY_1));
        consumer.updateBeginningOffsets(Map.of(RETRY_0, 0L, RETRY_1, 0L));
    }

    static ConsumerRecord<String, byte[]> retry(TopicPartition partition, long offset) {
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, "k", new byte[0]);
    }

    @Test
    void aRecordWithoutDelayOrPastItsDelayIsProcessedNow() {
        assertFalse(pauses.holdUntilDue(consumer, retry(RETRY_0, 3), 0, 1_000));
        assertFalse(pauses.holdUntilDue(consumer, retry(RETRY_0, 3), 1_000, 1_000));
        assertEquals(Set.of(), consumer.paused());
    }

    @Test
    void aRecordNotDueYetPausesAndRewindsItsPartition() {
        assertTrue(pauses.holdUntilDue(consumer, retry(RETRY_0, 3), 5_000, 1_000));
        assertEquals(Set.of(RETRY_0), consumer.paused());
        assertEquals(3, consumer.position(RETRY_0), "poll() returns this record again once resumed");
    }

    @Test
    void thePartitionIsResumedWhenTheRecordIsDue() {
        pauses.holdUntilDue(consumer, retry(RETRY_0, 3), 5_000, 1_000);
        pauses.resumeDue(consumer, 4_999);
        assertEquals(Set.of(RETRY_0), consumer.paused());
        pauses.resumeDue(consumer, 5_000);
        assertEquals(Set.of(), consumer.paused());
    }

    @Test
    void pollWaitsAtMostOneSecondAndLessWhenARetryIsDueSooner() {
        assertEquals(Duration.ofSeconds(1), pauses.pollTimeout(1_000));
        pauses.holdUntilDue(consumer, retry(RETRY_0, 3), 1_300, 1_000);
        pauses.holdUntilDue(consumer, retry(RETRY_1, 8), 1_900, 1_000);
        assertEquals(Duration.ofMillis(300), pauses.pollTimeout(1_000));
        assertEquals(Duration.ofMillis(10), pauses.pollTimeout(1_300), "a due retry: poll briefly, not spin");
    }

    @Test
    void aPartitionThatLeftIsForgottenAndNotResumed() {
        pauses.holdUntilDue(consumer, retry(RETRY_0, 3), 1_300, 1_000);
        pauses.forget(List.of(RETRY_0));
        assertEquals(Duration.ofSeconds(1), pauses.pollTimeout(1_000));
        pauses.holdUntilDue(consumer, retry(RETRY_1, 8), 1_300, 1_000);
        consumer.assign(List.of(RETRY_0)); // RETRY_1 moved to another member without a revoke seen here
        pauses.resumeDue(consumer, 2_000);
        assertEquals(Duration.ofSeconds(1), pauses.pollTimeout(2_000), "its pause is gone all the same");
    }
}
