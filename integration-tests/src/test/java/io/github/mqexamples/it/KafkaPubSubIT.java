package io.github.mqexamples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * docs/kafka.md section 11: Kafka has no broker-side routing; publish/subscribe is one consumer group per
 * subscriber. Two groups on one topic each read every record, exactly once, and each commits all of them.
 */
class KafkaPubSubIT {

    static final Duration RUN = Duration.ofSeconds(90);
    static final int COUNT = 30;

    @Test
    void twoGroupsOnOneTopicEachReadEveryRecordOnce() throws Exception {
        String servers = TestBrokers.kafka().bootstrapServers();
        String topic = Await.unique("pubsub");
        Map<String, String> env = KafkaTests.env(servers, topic, "unused");
        Programs.Running producer = Programs.run(RUN, "kafka-producer", env, "--count", String.valueOf(COUNT),
                "--message", "event");
        assertEquals(0, producer.exitCode(), producer.output());
        Set<String> sent = IntStream.rangeClosed(1, COUNT).mapToObj(i -> "event #" + i).collect(Collectors.toSet());

        // Two subscribers: the same program, a group each. Each group has its own committed offsets.
        Programs.Running billing = Programs.start("kafka-consumer", env, "--group", topic + "-billing");
        Programs.Running audit = Programs.start("kafka-consumer", env, "--group", topic + "-audit");
        try {
            for (Programs.Running group : new Programs.Running[] {billing, audit}) {
                Await.until("the group has read all " + COUNT, RUN,
                        () -> KafkaTests.receivedValues(group).size() >= COUNT);
                group.terminate();
                assertEquals(0, group.awaitExit(RUN), group.output());
                // Counted once stopped: a record read twice would come after the 30th.
                assertEquals(COUNT, KafkaTests.receivedValues(group).size(), "each record once: " + group.output());
                assertEquals(sent, new HashSet<>(KafkaTests.receivedValues(group)));
            }
            assertEquals(COUNT, KafkaTests.committedTotal(servers, topic + "-billing", topic));
            assertEquals(COUNT, KafkaTests.committedTotal(servers, topic + "-audit", topic));
        } finally {
            billing.kill();
            audit.kill();
        }
    }
}
