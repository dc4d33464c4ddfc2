package io.github.mqexamples.kafka.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.common.Log;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class CommitOnRevokeTest {

    static final TopicPartition P0 = new TopicPartition("t", 0);
    static final TopicPartition P1 = new TopicPartition("t", 1);

    final ProcessedOffsets processed = new ProcessedOffsets();
    final List<String> commits = new ArrayList<>();
    final CommitOnRevoke listener = new CommitOnRevoke(Log.forProgram("test"), processed, new RetryPauses(),
            () -> commits.add(ProcessedOffsets.describe(processed.toCommit()).toString()));

    CommitOnRevokeTest() {
        processed.done(new ConsumerRecord<>("t", 0, 4, "k", "v"));
        processed.done(new ConsumerRecord<>("t", 1, 9, "k", "v"));
    }

    @Test
    void revokedPartitionsAreCommittedBeforeTheyGo() {
        listener.onPartitionsRevoked(List.of(P0));
        assertEquals(List.of("{t-0=5, t-1=10}"), commits, "what was processed, up to the next offset to read");
    }

    @Test
    void lostPartitionsAreNotCommittedTheirOffsetsAreDropped() {
        listener.onPartitionsLost(List.of(P0));
        assertEquals(List.of(), commits, "another member owns them now: a commit would overwrite its progress");
        assertEquals("{t-1=10}", ProcessedOffsets.describe(processed.toCommit()).toString());
        listener.onPartitionsLost(List.of(P1));
        assertEquals(true, processed.isEmpty());
    }

    @Test
    void assignmentCommitsNothing() {
        listener.onPartitionsAssigned(List.of(P0, P1));
        assertEquals(List.of(), commits);
        assertFalse(processed.isEmpty());
    }

    @Test
    void aMemberGivenNoPartitionStandsByUntilOneIsAssigned() {
        listener.onPartitionsAssigned(List.of()); // more members than partitions
        assertTrue(listener.standingBy());
        listener.onPartitionsAssigned(List.of(P0)); // a cooperative rebalance adds one
        assertFalse(listener.standingBy());
        listener.onPartitionsAssigned(List.of()); // and the next one adds nothing: P0 is still ours
        assertFalse(listener.standingBy());
        listener.onPartitionsRevoked(List.of(P0));
        listener.onPartitionsAssigned(List.of());
        assertTrue(listener.standingBy());
    }
}
