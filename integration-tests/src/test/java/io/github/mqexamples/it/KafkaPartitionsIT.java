package io.github.mqexamples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.kafka.consumer.KafkaConsumerConfig;
import io.github.mqexamples.kafka.consumer.KafkaConsumerExample;
import io.github.mqexamples.kafka.producer.KafkaProducerConfig;
import io.github.mqexamples.kafka.producer.KafkaProducerExample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Scenario 1: send and receive across all partitions; the records of one key keep their order. */
class KafkaPartitionsIT {

    @Test
    void everyPartitionIsReadAndEachKeyKeepsItsOrder() throws Exception {
        String servers = TestBrokers.kafka().bootstrapServers();
        String topic = Await.unique("partitions");
        String group = Await.unique("group");

        // 30 records with 30 keys spread over the 3 partitions; then 10 records each for keys a, b and c.
        assertTrue(send(servers, topic, 30, "Hello Kafka!", null).allAcknowledged());
        for (String key : List.of("a", "b", "c")) {
            assertTrue(send(servers, topic, 10, "key " + key, key).allAcknowledged());
        }

        List<ConsumerRecord<String, String>> received = Collections.synchronizedList(new ArrayList<>());
        KafkaConsumerExample consumer = new KafkaConsumerExample(
                KafkaConsumerConfig.builder(servers, topic, group).maxMessages(60).build(), received::add);
        assertEquals(60, Await.within(Duration.ofSeconds(60), consumer::run));

        Set<Integer> partitions = received.stream().map(ConsumerRecord::partition).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(0, 1, 2), partitions, "records came from every partition");
        assertEquals(60, new HashSet<>(received.stream().map(r -> r.topic() + r.partition() + "@" + r.offset()).toList()).size(),
                "each record once");
        for (String key : List.of("a", "b", "c")) {
            List<String> values = received.stream().filter(r -> key.equals(r.key())).map(ConsumerRecord::value).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                expected.add("key " + key + " #" + i);
            }
            assertEquals(expected, values, "key " + key + ": one partition, so the order it was sent in");
            assertEquals(1, received.stream().filter(r -> key.equals(r.key())).map(ConsumerRecord::partition)
                    .distinct().count(), "key " + key + " stays in one partition");
        }
        assertEquals(60, KafkaTests.committedTotal(servers, group, topic), "committed after processing");
    }

    static KafkaProducerExample.Result send(String servers, String topic, int count, String message, String key)
            throws Exception {
        return new KafkaProducerExample(KafkaProducerConfig.builder(servers, topic).count(count).message(message)
                .key(key).build()).send();
    }
}
