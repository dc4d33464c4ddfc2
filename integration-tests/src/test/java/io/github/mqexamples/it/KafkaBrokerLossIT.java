package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.mqexamples.brokers.LocalKafkaCluster;
import io.github.mqexamples.kafka.consumer.KafkaConsumerExample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * Scenario 8: a cluster of three brokers, a topic with 3 replicas and min.insync.replicas=2. One broker stops
 * while the producer is sending and the consumer reading: every record sent is acknowledged and consumed once.
 * The test runs a cluster of its own (one KRaft controller and three brokers in this JVM).
 */
class KafkaBrokerLossIT {

    static final Duration RUN = Duration.ofSeconds(120);

    @Test
    void everyRecordSurvivesTheLossOfOneBrokerOnceAndOnlyOnce() throws Exception {
        try (LocalKafkaCluster cluster = LocalKafkaCluster.launch(3)) {
            String servers = cluster.bootstrapServers();
            String topic = "replicated";
            Map<String, String> env = KafkaTests.env(servers, topic, "replicated-group");
            // 300 records, one every 20 ms: about 6 s of stream.
            Programs.Running producer = Programs.start("kafka-producer", env, "--count", "300", "--interval", "20ms",
                    "--replication-factor", "3", "--partitions", "3");
            producer.awaitLine(l -> l.contains("value='Hello Kafka! #20'"), RUN);

            List<ConsumerRecord<String, String>> received = Collections.synchronizedList(new ArrayList<>());
            KafkaConsumerExample consumer = new KafkaConsumerExample(
                    new KafkaConsumerExample.Config(servers, topic, "replicated-group", 300), received::add);
            ExecutorService executor = Executors.newSingleThreadExecutor();
            Future<Integer> consuming = executor.submit(consumer::run);
            try (Admin admin = KafkaTests.admin(servers)) {
                TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                description.partitions().forEach(p -> assertEquals(3, p.replicas().size()));
                String minIsr = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                        .all().get().values().iterator().next().get("min.insync.replicas").value();
                assertEquals("2", minIsr);

                // Mid-stream, the leader of partition 0 goes away.
                producer.awaitLine(l -> l.contains("value='Hello Kafka! #100'"), RUN);
                int leader = description.partitions().get(0).leader().id();
                cluster.stopBroker(leader);

                assertEquals(0, producer.awaitExit(RUN), producer.output());
                assertContains(producer.output(), "300 of 300 records acknowledged");
                assertEquals(300, consuming.get(RUN.toSeconds(), TimeUnit.SECONDS), "the consumer read 300 records");

                // None lost, none twice: 300 different values read, and exactly 300 records in the log.
                assertEquals(300, new HashSet<>(received.stream().map(ConsumerRecord::value).toList()).size());
                Map<TopicPartition, OffsetSpec> latest = description.partitions().stream().collect(Collectors.toMap(
                        p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
                long written = admin.listOffsets(latest).all().get().values().stream()
                        .mapToLong(info -> info.offset()).sum();
                assertEquals(300, written, "the producer's retries wrote nothing twice");
                TopicDescription after = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                after.partitions().forEach(p -> assertEquals(2, p.isr().size(), "in sync without the stopped broker: " + p));
            } finally {
                consumer.stop();
                executor.shutdownNow();
                producer.kill();
            }
        }
    }
}
