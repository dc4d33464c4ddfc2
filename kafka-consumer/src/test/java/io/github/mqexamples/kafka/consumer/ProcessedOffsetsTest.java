package io.github.mqexamples.kafka.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ProcessedOffsetsTest {

    final ProcessedOffsets processed = new ProcessedOffsets();

    @Test
    void theCommittedOffsetIsTheNextToRead() {
        processed.done(new ConsumerRecord<>("t", 0, 4, "k", "v"));
        processed.done(new ConsumerRecord<>("t", 0, 5, "k", "v"));
        assertEquals("{t-0=6}", ProcessedOffsets.describe(processed.toCommit()).toString());
    }

    @Test
    void nothingPendingNothingToCommit() {
        assertFalse(processed.dueForCommit(true, Duration.ZERO));
    }

    @Test
    void everyBatchIsCommittedWithoutAnInterval() {
        processed.done(new ConsumerRecord<>("t", 0, 4, "k", "v"));
        assertTrue(processed.dueForCommit(false, Duration.ZERO));
        assertTrue(processed.dueForCommit(false, Duration.ZERO));
    }

    @Test
    void anIntervalHoldsBatchesButNeverTheLastCommit() {
        processed.done(new ConsumerRecord<>("t", 0, 4, "k", "v"));
        assertFalse(processed.dueForCommit(false, Duration.ofHours(1)), "within the interval: later");
        assertTrue(processed.dueForCommit(true, Duration.ofHours(1)), "stop or revoke: now");
    }

    @Test
    void committedOffsetsAreNoLongerPendingAndSaidOnTheLineGiven() {
        processed.done(new ConsumerRecord<>("t", 0, 4, "k", "v"));
        List<String> lines = new ArrayList<>();
        processed.committed(processed.toCommit(), (format, offsets) -> lines.add(format.replace("{}", "" + offsets)));
        assertTrue(processed.isEmpty());
        assertEquals(List.of("committed offsets {t-0=5}"), lines);
        processed.done(new ConsumerRecord<>("t", 0, 5, "k", "v"));
        processed.committed(processed.toCommit(), null);
        assertTrue(processed.isEmpty());
    }
}
