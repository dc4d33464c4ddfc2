package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.common.SimulatedWork;
import io.github.mqexamples.kafka.consumer.KafkaShareConsumerExample;
import io.github.mqexamples.kafka.producer.KafkaProducerConfig;
import io.github.mqexamples.kafka.producer.KafkaProducerExample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.junit.jupiter.api.Test;

/**
 * Scenario 7: a share group acknowledges each record on its own. RELEASE gives a record back, and it comes again
 * with its delivery count raised; REJECT (here after --max-attempts deliveries) ends its deliveries for good.
 */
class KafkaShareGroupIT {

    static final Duration RUN = Duration.ofSeconds(90);

    /** One acknowledgement: which record, which delivery, how it was acknowledged. */
    record Ack(String value, int delivery, AcknowledgeType type) {
    }

    @Test
    void releasedRecordsComeBackWithTheirDeliveryCountAndRejectedOnesDoNot() throws Exception {
        String servers = TestBrokers.kafka().bootstrapServers();
        String topic = Await.unique("share");
        String shareGroup = topic + "-share";
        send(servers, topic, 3, "Hello Kafka!");

        // "#2" fails every time: released twice, then rejected on its 3rd delivery (--max-attempts 3).
        SimulatedWork work = new SimulatedWork(Duration.ZERO, Pattern.compile("#2$"), 0);
        List<Ack> acks = Collections.synchronizedList(new ArrayList<>());
        KafkaShareConsumerExample consumer = new KafkaShareConsumerExample(new KafkaShareConsumerExample.Config(
                servers, topic, shareGroup, 3, work, 3),
                (record, type) -> acks.add(new Ack(record.value(), record.deliveryCount().orElse((short) 0), type)));
        assertEquals(3, Await.within(RUN, consumer::run), "#1 and #3 accepted, #2 rejected");

        assertEquals(List.of(new Ack("Hello Kafka! #1", 1, AcknowledgeType.ACCEPT)), of(acks, "Hello Kafka! #1"));
        assertEquals(List.of(new Ack("Hello Kafka! #3", 1, AcknowledgeType.ACCEPT)), of(acks, "Hello Kafka! #3"));
        assertEquals(List.of(new Ack("Hello Kafka! #2", 1, AcknowledgeType.RELEASE),
                new Ack("Hello Kafka! #2", 2, AcknowledgeType.RELEASE),
                new Ack("Hello Kafka! #2", 3, AcknowledgeType.REJECT)), of(acks, "Hello Kafka! #2"));

        // The rejected record is not delivered again: the next member of the group gets only what is new.
        send(servers, topic, 1, "after the reject");
        List<Ack> later = Collections.synchronizedList(new ArrayList<>());
        KafkaShareConsumerExample next = new KafkaShareConsumerExample(new KafkaShareConsumerExample.Config(
                servers, topic, shareGroup, 1, SimulatedWork.none(), 3),
                (record, type) -> later.add(new Ack(record.value(), record.deliveryCount().orElse((short) 0), type)));
        assertEquals(1, Await.within(RUN, next::run));
        assertEquals(List.of(new Ack("after the reject", 1, AcknowledgeType.ACCEPT)), later);
    }

    @Test
    void theConsumerJarReadsAsAShareGroup() {
        String servers = TestBrokers.kafka().bootstrapServers();
        String topic = Await.unique("sharejar");
        Map<String, String> env = KafkaTests.env(servers, topic, "-");
        Programs.Running producer = Programs.run(RUN, "kafka-producer", env, "--count", "2");
        assertEquals(0, producer.exitCode(), producer.output());

        // "#2" fails on its first delivery only: released, delivered again, accepted.
        Programs.Running consumer = Programs.run(RUN, "kafka-consumer", env, "--share-group", topic + "-share",
                "--fail-on", "#2$", "--fail-attempts", "1", "--max-messages", "2");
        assertEquals(0, consumer.exitCode(), consumer.output());
        assertContains(consumer.output(), "(share group '" + topic + "-share', explicit acknowledgement)");
        assertContains(consumer.output(), "value='Hello Kafka! #2' (delivery 1)");
        assertContains(consumer.output(), "RELEASE partition=");
        assertContains(consumer.output(), "value='Hello Kafka! #2' (delivery 2)");
        assertTrue(consumer.lines().stream().filter(l -> l.contains("ACCEPT partition=")).count() == 2, consumer.output());
        assertContains(consumer.output(), "stopped after 2 record(s)");
    }

    static List<Ack> of(List<Ack> acks, String value) {
        synchronized (acks) {
            return acks.stream().filter(a -> a.value().equals(value)).toList();
        }
    }

    static void send(String servers, String topic, int count, String message) throws Exception {
        assertTrue(new KafkaProducerExample(KafkaProducerConfig.builder(servers, topic).partitions(1).count(count)
                .message(message).build()).send().allAcknowledged());
    }
}
