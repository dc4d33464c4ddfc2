package io.github.mqexamples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.common.Deduplicator;
import io.github.mqexamples.kafka.consumer.KafkaConsumerConfig;
import io.github.mqexamples.kafka.consumer.KafkaConsumerExample;
import io.github.mqexamples.kafka.producer.KafkaProducerConfig;
import io.github.mqexamples.kafka.producer.KafkaProducerExample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Scenario 5, consumer side: records read twice (a member crashed after applying them, before committing) are
 * applied once, because the consumer remembers the message ids it applied. The producer side (idempotence,
 * one id per record) is proven in {@link KafkaProducerTuningIT}.
 */
class KafkaDuplicatesIT {

    /** Stands for the process dying: not an Exception, so nothing in the consumer handles it. */
    static final class Crash extends Error {
        Crash() {
            super("simulated crash");
        }
    }

    @Test
    void aMemberThatCrashesBeforeItsCommitHasItsRecordsReadAgainButAppliedOnce() throws Exception {
        String servers = TestBrokers.kafka().bootstrapServers();
        String topic = Await.unique("crash");
        String group = topic + "-group";
        assertTrue(new KafkaProducerExample(KafkaProducerConfig.builder(servers, topic).partitions(1)
                .count(10).build()).send().allAcknowledged());
        List<String> effects = Collections.synchronizedList(new ArrayList<>());
        Deduplicator applied = new Deduplicator(1_000);

        // The first member applies #1 to #9 of its batch and dies at #10, before the batch's commit.
        KafkaConsumerExample first = new KafkaConsumerExample(KafkaConsumerConfig.builder(servers, topic, group)
                .retryDelay(Duration.ofSeconds(2)).applied(applied).build(), r -> {
                    if (r.value().equals("Hello Kafka! #10")) {
                        throw new Crash();
                    }
                    effects.add(r.value());
                });
        ExecutionException crashed = assertThrows(ExecutionException.class,
                () -> Await.within(Duration.ofSeconds(60), first::run));
        assertInstanceOf(Crash.class, crashed.getCause());
        int appliedByFirst = effects.size();
        long committed = KafkaTests.committedTotal(servers, group, topic);
        assertTrue(committed < appliedByFirst, "applied " + appliedByFirst + " but committed only " + committed);

        // The next member reads again from the committed offset: what the first applied is recognised.
        KafkaConsumerExample second = new KafkaConsumerExample(KafkaConsumerConfig.builder(servers, topic, group)
                .maxMessages((int) (10 - committed)).retryDelay(Duration.ofSeconds(2)).applied(applied).build(),
                r -> effects.add(r.value()));
        assertEquals(10 - committed, (long) Await.within(Duration.ofSeconds(60), second::run));
        assertEquals(appliedByFirst - committed, second.duplicatesSkipped(), "read twice, skipped by message-id");
        assertEquals(10, effects.size(), "each of the 10 applied exactly once: " + effects);
        assertEquals(10, new HashSet<>(effects).size());
        assertEquals(10, KafkaTests.committedTotal(servers, group, topic));
    }

    @Test
    void recordsReadTwiceAreAppliedOnce() throws Exception {
        String servers = TestBrokers.kafka().bootstrapServers();
        String topic = Await.unique("duplicates");
        String group = topic + "-group";
        assertTrue(new KafkaProducerExample(KafkaProducerConfig.builder(servers, topic).partitions(1)
                .count(10).build()).send().allAcknowledged());

        // Where the effects go, and the ids of what was applied: in a real service, one database, where the
        // effect and its id are written in one transaction. It outlives the consumers, as a database would.
        List<String> effects = Collections.synchronizedList(new ArrayList<>());
        Deduplicator applied = new Deduplicator(1_000);
        KafkaConsumerConfig config = KafkaConsumerConfig.builder(servers, topic, group).maxMessages(10)
                .retryDelay(Duration.ofSeconds(2)).applied(applied).build();

        KafkaConsumerExample first = new KafkaConsumerExample(config, r -> effects.add(r.value()));
        assertEquals(10, Await.within(Duration.ofSeconds(60), first::run));
        assertEquals(10, effects.size());

        // As if the first member had crashed after applying the records but before committing them: the
        // group's offset goes back to the start (kafka-consumer-groups.sh --reset-offsets does the same).
        try (Admin admin = KafkaTests.admin(servers)) {
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(0)))
                    .all().get();
        }
        assertEquals(0, KafkaTests.committedTotal(servers, group, topic));

        KafkaConsumerExample second = new KafkaConsumerExample(config, r -> effects.add(r.value()));
        assertEquals(10, Await.within(Duration.ofSeconds(60), second::run), "all 10 read again");
        assertEquals(10, second.duplicatesSkipped(), "and recognised by their message-id");
        assertEquals(10, effects.size(), "each effect applied once: " + effects);
        assertEquals(10, new HashSet<>(effects).size());
        assertEquals(10, KafkaTests.committedTotal(servers, group, topic), "skipped duplicates are committed too");
    }
}
