package io.github.mqexamples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Delivery;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import io.github.mqexamples.rabbitmq.consumer.ConsumerConfig;
import io.github.mqexamples.rabbitmq.consumer.RabbitMqConsumer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Persistence: what survives a consumer restart and a broker restart, by queue type and message mode. */
class RabbitMqPersistenceIT {

    @Test
    void messagesNotAckedBeforeTheConsumerStoppedArriveAfterItsRestart() throws Exception {
        QueueSpec queue = new QueueSpec(Await.unique("restart-consumer"), true, "quorum");
        Rabbit.publish(queue, true, 3);

        // The first run processes one message and stops; the other two were sent ahead (prefetch) but not acked.
        List<Delivery> first = Collections.synchronizedList(new ArrayList<>());
        assertEquals(1, Await.within(Duration.ofSeconds(30), new RabbitMqConsumer(
                ConsumerConfig.builder(Rabbit.url(), queue).prefetch(10).maxMessages(1).build(),
                (d, b) -> first.add(d))::run));

        List<Delivery> second = Collections.synchronizedList(new ArrayList<>());
        assertEquals(2, Await.within(Duration.ofSeconds(30), new RabbitMqConsumer(
                ConsumerConfig.builder(Rabbit.url(), queue).prefetch(10).maxMessages(2).build(),
                (d, b) -> second.add(d))::run));
        assertEquals("Hello World! #1", new String(first.get(0).getBody(), StandardCharsets.UTF_8));
        assertEquals(List.of("Hello World! #2", "Hello World! #3"),
                second.stream().map(d -> new String(d.getBody(), StandardCharsets.UTF_8)).toList());
        // Both had been sent to the first run (prefetch 10) and came back when it stopped without acking them.
        assertTrue(second.stream().allMatch(d -> d.getEnvelope().isRedeliver()), "redelivered=true");
        assertEquals(0, Rabbit.readyOnceConsumersLeft(queue.name()));
    }

    @Test
    void aBrokerRestartKeepsDurableQueuesAndPersistentMessages() throws Exception {
        QueueSpec quorum = new QueueSpec(Await.unique("p-quorum"), true, "quorum");
        QueueSpec quorumTransient = new QueueSpec(Await.unique("p-quorum-transient"), true, "quorum");
        QueueSpec classic = new QueueSpec(Await.unique("p-classic"), true, "classic");
        QueueSpec classicTransient = new QueueSpec(Await.unique("p-classic-transient"), true, "classic");
        QueueSpec nonDurable = new QueueSpec(Await.unique("p-non-durable"), false, "classic");
        Rabbit.publish(quorum, true, 3);
        Rabbit.publish(quorumTransient, false, 3);
        Rabbit.publish(classic, true, 3);
        Rabbit.publish(classicTransient, false, 3);
        Rabbit.publish(nonDurable, true, 3);

        Rabbit.broker().restart();

        // A quorum queue needs a moment to elect its leader after the restart.
        Await.until("the quorum queue answers again", Duration.ofSeconds(60),
                () -> Rabbit.readyOrMinusOne(quorum.name()) >= 0);
        assertEquals(3, Rabbit.readyOrMinusOne(quorum.name()), "durable quorum queue, persistent messages: all kept");
        Await.until("the second quorum queue answers", Duration.ofSeconds(60),
                () -> Rabbit.readyOrMinusOne(quorumTransient.name()) >= 0);
        assertEquals(3, Rabbit.readyOrMinusOne(quorumTransient.name()), "a quorum queue keeps even transient messages");
        assertEquals(3, Rabbit.readyOrMinusOne(classic.name()), "durable classic queue, persistent messages: kept");
        assertEquals(0, Rabbit.readyOrMinusOne(classicTransient.name()), "durable classic queue, transient messages: gone");
        OptionalLong gone = Rabbit.ready(nonDurable.name());
        assertFalse(gone.isPresent(), "a non-durable queue does not survive the restart at all");
        assertTrue(Rabbit.drain(quorum.name()).stream().allMatch(r -> r.getProps().getDeliveryMode() == 2));
    }
}
