package io.github.mqexamples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.common.rabbitmq.QueueSpec;
import io.github.mqexamples.rabbitmq.consumer.RabbitMqConsumer;
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
        RabbitMqConsumer consumer = new RabbitMqConsumer(new RabbitMqConsumer.Config(Rabbit.url(), queue, true, 10, 0),
                (delivery, body) -> effects.add(delivery.getProperties().getMessageId()));
        // 300 messages at 60 msg/s: about 5 s of sending, and the restart comes after the first 40.
        int count = 300;
        RabbitMqProducer producer = new RabbitMqProducer(new RabbitMqProducer.Config(Rabbit.url(), queue, "", null,
                true, count, "Hello World!", null, 0, 60, true, "async", 100, 256, Duration.ofSeconds(90), 5));
        try (Rabbit.Background running = new Rabbit.Background(consumer)) {
            CompletableFuture<RabbitMqProducer.Result> sending = CompletableFuture.supplyAsync(() -> {
                try {
                    return producer.publish();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Await.until("some messages flowed before the restart", Duration.ofSeconds(30), () -> effects.size() >= 40);

            Rabbit.broker().restart();

            RabbitMqProducer.Result result = sending.get(3, TimeUnit.MINUTES);
            assertTrue(result.allConfirmed(), "the producer re-sent what was unconfirmed: " + result);
            Await.until("every message sent is processed", Duration.ofSeconds(120),
                    () -> new HashSet<>(effects).containsAll(result.messageIds()));
            assertEquals(count, effects.size(), "each message applied once; duplicates absorbed: "
                    + consumer.duplicates());
            assertEquals(new HashSet<>(result.messageIds()), new HashSet<>(effects));
        }
    }
}
