package io.github.mqexamples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.brokers.LocalKafka;
import io.github.mqexamples.kafka.consumer.KafkaConsumerConfig;
import io.github.mqexamples.kafka.consumer.KafkaConsumerExample;
import io.github.mqexamples.kafka.producer.KafkaProducerConfig;
import io.github.mqexamples.kafka.producer.KafkaProducerExample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Scenario 6: after a broker restart the records are still there, and the group resumes from its committed
 * offsets. The test restarts a broker of its own (on the same data directory and ports).
 */
class KafkaPersistenceIT {

    @Test
    void recordsAndCommittedOffsetsSurviveABrokerRestart() throws Exception {
        try (LocalKafka broker = LocalKafka.launch()) {
            String servers = broker.bootstrapServers();
            String topic = "persistent";
            String group = "persistent-group";
            assertTrue(new KafkaProducerExample(KafkaProducerConfig.builder(servers, topic).partitions(1)
                    .count(10).build()).send().allAcknowledged());
            List<String> before = consume(servers, topic, group, 4);
            assertEquals(List.of("Hello Kafka! #1", "Hello Kafka! #2", "Hello Kafka! #3", "Hello Kafka! #4"), before);
            assertEquals(4, KafkaTests.committedTotal(servers, group, topic));

            broker.stop();
            broker.start();

            // The group's committed offset survived: it resumes at #5, reading nothing twice...
            assertEquals(4, KafkaTests.committedTotal(servers, group, topic));
            List<String> after = consume(servers, topic, group, 6);
            List<String> expected = new ArrayList<>();
            for (int i = 5; i <= 10; i++) {
                expected.add("Hello Kafka! #" + i);
            }
            assertEquals(expected, after);
            // ...and every record is still on disk, for a new group to read from the beginning.
            assertEquals(10, consume(servers, topic, "new-group", 10).size());
            assertEquals(10, KafkaTests.readAll(servers, topic, 10, Duration.ofSeconds(60)).size());
        }
    }

    static List<String> consume(String servers, String topic, String group, int count) throws Exception {
        List<ConsumerRecord<String, String>> received = Collections.synchronizedList(new ArrayList<>());
        KafkaConsumerExample consumer = new KafkaConsumerExample(
                KafkaConsumerConfig.builder(servers, topic, group).maxMessages(count).build(), received::add);
        assertEquals(count, Await.within(Duration.ofSeconds(90), consumer::run));
        return received.stream().map(ConsumerRecord::value).toList();
    }
}
