package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.brokers.FreePorts;
import io.github.mqexamples.common.BrokerException;
import io.github.mqexamples.kafka.consumer.KafkaConsumerConfig;
import io.github.mqexamples.kafka.consumer.KafkaConsumerExample;
import io.github.mqexamples.kafka.producer.KafkaProducerConfig;
import io.github.mqexamples.kafka.producer.KafkaProducerExample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Send and receive through Kafka with the classes the two programs' mains use: the Go samples' round trip, every
 * partition read and committed, records sent before the consumer started, and an unreachable cluster named in time.
 */
class KafkaRoundTripIT {

    static TestBrokers.Kafka kafka;

    @BeforeAll
    static void broker() {
        kafka = TestBrokers.kafka();
    }

    static KafkaProducerExample.Result send(String topic, int count, String key) throws Exception {
        return new KafkaProducerExample(KafkaProducerConfig.builder(kafka.bootstrapServers(), topic)
                .count(count).key(key).build()).send();
    }

    static List<ConsumerRecord<String, String>> consume(String topic, String group, int count) throws Exception {
        List<ConsumerRecord<String, String>> received = Collections.synchronizedList(new ArrayList<>());
        KafkaConsumerExample consumer = new KafkaConsumerExample(
                KafkaConsumerConfig.builder(kafka.bootstrapServers(), topic, group).maxMessages(count).build(), received::add);
        assertEquals(count, Await.within(Duration.ofSeconds(60), consumer::run));
        return received;
    }

    static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @Test
    void everyRecordArrivesFromEveryPartitionAndTheGroupCommitsIt() throws Exception {
        String topic = Await.unique("roundtrip");
        String group = Await.unique("group");

        KafkaProducerExample.Result result = send(topic, 9, null);
        assertTrue(result.allAcknowledged());
        assertEquals(9, result.acknowledged());

        List<ConsumerRecord<String, String>> received = consume(topic, group, 9);
        Set<String> values = received.stream().map(ConsumerRecord::value).collect(Collectors.toCollection(TreeSet::new));
        Set<String> expected = new TreeSet<>();
        for (int i = 1; i <= 9; i++) {
            expected.add("Hello Kafka! #" + i);
            // key-N goes with value #N: the key travels with its record
        }
        assertEquals(expected, values);
        assertEquals(9, received.size(), "no duplicates");
        for (ConsumerRecord<String, String> r : received) {
            assertEquals("Hello Kafka! #" + r.key().substring("key-".length()), r.value());
        }

        try (Admin admin = admin()) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            assertEquals(3, description.partitions().size(), "created with --partitions 3");
            // The default partitioner hashes the key (murmur2), so where key-1..key-9 go is fixed, not chance:
            // partition 0 gets key-1, 4, 9; partition 1 key-7, 8; partition 2 key-2, 3, 5, 6. A consumer that
            // skipped a partition, or a producer that put every record in one, misses one of the three.
            Set<Integer> used = received.stream().map(ConsumerRecord::partition).collect(Collectors.toSet());
            assertEquals(Set.of(0, 1, 2), used, "records read from every partition");

            // Committed after processing: the group's offsets add up to every record read.
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            long total = committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
            assertEquals(9, total, "committed offsets " + committed);
        }
    }

    @Test
    void oneRecordIsTheGoSamplesHelloKafka() throws Exception {
        String topic = Await.unique("hello");
        send(topic, 1, null);
        List<ConsumerRecord<String, String>> received = consume(topic, Await.unique("group"), 1);
        assertEquals("Hello Kafka!", received.get(0).value());
    }

    @Test
    void recordsSentBeforeTheConsumerStartedAreNotMissed() throws Exception {
        // The Go consumer started at the newest offset and missed these; a new group starts at the earliest.
        String topic = Await.unique("earlier");
        send(topic, 4, "same-key");
        List<ConsumerRecord<String, String>> received = consume(topic, Await.unique("group"), 4);
        assertEquals(List.of("Hello Kafka! #1", "Hello Kafka! #2", "Hello Kafka! #3", "Hello Kafka! #4"),
                received.stream().map(ConsumerRecord::value).toList(), "one key, one partition, in order");
    }

    @Test
    void anUnreachableClusterIsNamedWithinTenSeconds() throws Exception {
        String nowhere = "127.0.0.1:" + FreePorts.next();
        // Producer and consumer side by side: each only waits for its timeout.
        CompletableFuture<Long> producerGaveUp = CompletableFuture.supplyAsync(() -> millisUntilGivenUp(() ->
                new KafkaProducerExample(KafkaProducerConfig.builder(nowhere, "t").partitions(1).message("x").build())
                        .send(), nowhere));
        CompletableFuture<Long> consumerGaveUp = CompletableFuture.supplyAsync(() -> millisUntilGivenUp(() ->
                new KafkaConsumerExample(KafkaConsumerConfig.builder(nowhere, "t", "g").maxMessages(1).build(),
                        r -> { }).run(), nowhere));
        assertTrue(producerGaveUp.get(30, TimeUnit.SECONDS) < 10_000, "producer gave up in time");
        assertTrue(consumerGaveUp.get(30, TimeUnit.SECONDS) < 10_000, "consumer gave up in time");
    }

    /** Runs {@code example} against an unreachable cluster; checks its error names it; returns how long it took. */
    private static long millisUntilGivenUp(Executable example, String nowhere) {
        long t0 = System.nanoTime();
        BrokerException e = assertThrows(BrokerException.class, example);
        assertContains(e.getMessage(), "cannot reach Kafka at " + nowhere);
        assertContains(e.getMessage(), "KAFKA_BOOTSTRAP_SERVERS");
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }
}
