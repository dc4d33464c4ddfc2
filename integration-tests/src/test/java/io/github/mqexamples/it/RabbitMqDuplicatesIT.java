package io.github.mqexamples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Delivery;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import io.github.mqexamples.rabbitmq.consumer.ConsumerConfig;
import io.github.mqexamples.rabbitmq.consumer.RabbitMqConsumer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Duplicate consumption: a message delivered twice (sent again by its producer, or redelivered after a lost ack) has
 * its effect applied once.
 */
class RabbitMqDuplicatesIT {

    final List<String> effects = Collections.synchronizedList(new ArrayList<>());

    @Test
    void aMessageThePublisherSentTwiceIsAppliedOnce() throws Exception {
        // A producer that lost a confirm sends the message again, with the same message id.
        QueueSpec queue = new QueueSpec(Await.unique("dup-resend"), true, "quorum");
        Rabbit.declare(queue);
        Rabbit.publishRaw(queue.name(), "order 42 paid", "order-42");
        Rabbit.publishRaw(queue.name(), "order 42 paid", "order-42");
        Rabbit.publishRaw(queue.name(), "order 43 paid", "order-43");

        RabbitMqConsumer consumer = new RabbitMqConsumer(
                ConsumerConfig.builder(Rabbit.url(), queue).prefetch(10).build(), (delivery, body) -> effects.add(body));
        try (Rabbit.Background running = new Rabbit.Background(consumer)) {
            Await.until("three deliveries seen", Duration.ofSeconds(30),
                    () -> effects.size() + consumer.duplicates() == 3);
        }
        assertEquals(1, consumer.duplicates(), "the copy was delivered...");
        assertEquals(List.of("order 42 paid", "order 43 paid"), effects, "...and applied once");
        assertEquals(0, Rabbit.readyOnceConsumersLeft(queue.name()), "the copy was acked too");
    }

    @Test
    void aRedeliveryAfterALostAckIsAppliedOnce() throws Exception {
        QueueSpec queue = new QueueSpec(Await.unique("dup-redelivery"), true, "quorum");
        Rabbit.declare(queue);

        // The effect is applied, then the connection drops before the ack reaches the broker: the broker
        // delivers the message again (redelivered=true) once the client has reconnected by itself.
        List<Delivery> deliveries = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean cut = new AtomicBoolean();
        String client = "rabbitmq-consumer";
        RabbitMqConsumer consumer = new RabbitMqConsumer(
                ConsumerConfig.builder(Rabbit.url(), queue).prefetch(10).build(), (delivery, body) -> {
                    deliveries.add(delivery);
                    effects.add(body);
                    if (cut.compareAndSet(false, true)) {
                        assertTrue(Rabbit.closeConnections(client) > 0, "closed the consumer's connection");
                    }
                });
        try (Rabbit.Background running = new Rabbit.Background(consumer)) {
            // The management API lists a new connection after a moment; the test needs to see it to cut it.
            Await.until("the consumer's connection is listed", Duration.ofSeconds(30),
                    () -> !Rabbit.connectionsIfListed(client).isEmpty());
            Rabbit.publishRaw(queue.name(), "order 44 paid", "order-44");
            Await.until("the redelivery is recognised as a duplicate", Duration.ofSeconds(60),
                    () -> consumer.duplicates() == 1);
        }
        assertEquals(List.of("order 44 paid"), effects, "applied once");
        assertEquals(1, deliveries.size(), "the second delivery never reached the effect");
        assertEquals(0, Rabbit.readyOnceConsumersLeft(queue.name()));
    }
}
