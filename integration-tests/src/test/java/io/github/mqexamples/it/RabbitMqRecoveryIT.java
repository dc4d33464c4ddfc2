package io.github.mqexamples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.GetResponse;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import io.github.mqexamples.rabbitmq.consumer.ConsumerConfig;
import io.github.mqexamples.rabbitmq.consumer.RabbitMqConsumer;
import io.github.mqexamples.rabbitmq.producer.ConfirmMode;
import io.github.mqexamples.rabbitmq.producer.ProducerConfig;
import io.github.mqexamples.rabbitmq.producer.RabbitMqProducer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The broker restarts while a producer and a consumer run: both recover, and every message is processed once. */
class RabbitMqRecoveryIT {

    @Test
    void producerAndConsumerRideOutABrokerRestart() throws Exception {
        QueueSpec queue = new QueueSpec(Await.unique("recovery"), true, "quorum");
        Rabbit.declare(queue);

        List<String> effects = Collections.synchronizedList(new ArrayList<>());
        RabbitMqConsumer consumer = new RabbitMqConsumer(
                ConsumerConfig.builder(Rabbit.url(), queue).prefetch(10).build(),
                (delivery, body) -> effects.add(delivery.getProperties().getMessageId()));
        // 300 messages at 30 msg/s: about 10 s of sending, and the restart comes after the first 40.
        int count = 300;
        RabbitMqProducer producer = new RabbitMqProducer(ProducerConfig.builder(Rabbit.url(), queue).count(count)
                .message("Hello World!").rate(30).confirm(ConfirmMode.ASYNC).confirmTimeout(Duration.ofSeconds(90))
                .publishRetries(5).build());
        RabbitMqProducer.Result result;
        try (Rabbit.Background running = new Rabbit.Background(consumer)) {
            CompletableFuture<RabbitMqProducer.Result> sending = CompletableFuture.supplyAsync(() -> {
                try {
                    return producer.publish();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Await.until("some messages flowed before the restart", Duration.ofSeconds(30), () -> effects.size() >= 40);
            assertFalse(sending.isDone(), "the restart must fall in the middle of the stream");

            Rabbit.broker().restart();

            result = sending.get(3, TimeUnit.MINUTES);
            assertTrue(result.allConfirmed(), "the producer re-sent what was unconfirmed: " + result);
            // The outage took place while the producer was sending: it had to send again what was in flight,
            // or what it tried to publish while the connection was down. Had the restart come after the last
            // message, there would be nothing to send again.
            assertTrue(result.resent() > 0, "the producer never noticed the restart: " + result.resent());
            // And the consumer came back by itself: the messages sent after the restart reach it only over a
            // recovered connection.
            Await.until("every message sent is processed", Duration.ofSeconds(120),
                    () -> new HashSet<>(effects).containsAll(result.messageIds()));
        }
        // The consumer has stopped: every effect it will ever apply is in the list, so a duplicate that came
        // late cannot be missed. Each message applied once; copies (re-sent or redelivered) were absorbed.
        assertEquals(count, effects.size(), "each message applied once; duplicates absorbed: " + consumer.duplicates());
        assertEquals(count, new HashSet<>(effects).size(), "no message applied twice");
        assertEquals(new HashSet<>(result.messageIds()), new HashSet<>(effects));
        // A copy the consumer had been sent but not yet handled when it stopped went back to the queue: it can
        // only be a copy of a message already applied.
        for (GetResponse left : Rabbit.drain(queue.name())) {
            assertTrue(effects.contains(left.getProps().getMessageId()), "a message never applied: " + Rabbit.body(left));
        }
    }
}
