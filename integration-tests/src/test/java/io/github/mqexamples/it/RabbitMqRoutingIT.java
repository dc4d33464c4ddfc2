package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.mqexamples.common.rabbitmq.QueueSpec;
import io.github.mqexamples.rabbitmq.consumer.ConsumerConfig;
import io.github.mqexamples.rabbitmq.consumer.RabbitMqConsumer;
import io.github.mqexamples.rabbitmq.producer.ProducerConfig;
import io.github.mqexamples.rabbitmq.producer.RabbitMqProducer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * "The consumer receives nothing": a message no queue is bound to receive is reported as unroutable, and a queue
 * bound to the exchange with the routing key receives what is published with it.
 */
class RabbitMqRoutingIT {

    static ProducerConfig toExchange(String exchange, String routingKey, int count) {
        return ProducerConfig.builder(Rabbit.url(), new QueueSpec("unused", true, "quorum"))
                .publishTo(exchange, routingKey).count(count).message("Hello World!")
                .confirmTimeout(Duration.ofSeconds(20)).build();
    }

    @Test
    void aMessageNoQueueWouldReceiveIsReportedAsUnroutable() throws Exception {
        String exchange = Await.unique("orders");
        RabbitMqProducer.Result result = new RabbitMqProducer(toExchange(exchange, "created", 2)).publish();
        assertEquals(2, result.unroutable(), "returned by the broker (mandatory), not silently dropped");
        assertEquals(0, result.confirmed());
        assertFalse(result.allConfirmed());

        // The program says so and exits 1.
        Programs.Running run = Programs.run(Duration.ofSeconds(60), "rabbitmq-producer",
                Map.of("RABBITMQ_URL", Rabbit.broker().amqpUrl()), "--exchange", exchange, "--routing-key", "created");
        assertEquals(1, run.exitCode(), run.output());
        assertContains(run.output(), "unroutable: no queue is bound to exchange '" + exchange
                + "' with routing key 'created'");
        assertContains(run.output(), "only 0 of 1 messages confirmed: 0 failed, 1 unroutable");
    }

    @Test
    void aQueueBoundToANamedExchangeReceivesWhatIsPublishedWithItsKey() throws Exception {
        String exchange = Await.unique("orders");
        QueueSpec queue = new QueueSpec(Await.unique("orders-created"), true, "quorum");
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        RabbitMqConsumer consumer = new RabbitMqConsumer(ConsumerConfig.builder(Rabbit.url(), queue)
                .bindTo(exchange, "created").prefetch(10).maxMessages(3).build(),
                (delivery, body) -> received.add(body));
        try (Rabbit.Background running = new Rabbit.Background(consumer)) {
            Await.until("the consumer has bound its queue", Duration.ofSeconds(30),
                    () -> bound(exchange, queue.name()));
            // A key nobody bound is still unroutable; the bound key arrives.
            assertEquals(1, new RabbitMqProducer(toExchange(exchange, "cancelled", 1)).publish().unroutable());
            assertEquals(3, new RabbitMqProducer(toExchange(exchange, "created", 3)).publish().confirmed());
            assertEquals(3, running.awaitEnd(Duration.ofSeconds(30)));
        }
        assertEquals(List.of("Hello World! #1", "Hello World! #2", "Hello World! #3"), received);
    }

    static boolean bound(String exchange, String queue) {
        return Await.orElse("", () -> Rabbit.managementJson("/api/exchanges/%2F/" + exchange + "/bindings/source"))
                .contains("\"" + queue + "\"");
    }
}
