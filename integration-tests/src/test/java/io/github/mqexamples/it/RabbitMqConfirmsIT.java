package io.github.mqexamples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import io.github.mqexamples.common.rabbitmq.RabbitMqConnections;
import io.github.mqexamples.rabbitmq.producer.RabbitMqProducer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Best practice "batch sending": the three ways of waiting for publisher confirms, and what a nack does. */
class RabbitMqConfirmsIT {

    static RabbitMqProducer.Config config(QueueSpec queue, String exchange, String key, int count, String confirm) {
        return new RabbitMqProducer.Config(Rabbit.url(), queue, exchange, key, true, count, "Hello World!", null, 0, 0, true, confirm,
                10, 256, Duration.ofSeconds(20), 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"individual", "batch", "async"})
    void everyConfirmStrategyCountsOnlyConfirmedMessages(String confirm) throws Exception {
        QueueSpec queue = new QueueSpec(Await.unique("confirm-" + confirm), true, "quorum");
        RabbitMqProducer.Result result = new RabbitMqProducer(config(queue, "", null, 50, confirm)).publish();
        assertTrue(result.allConfirmed());
        assertEquals(50, result.confirmed());
        assertEquals(50, new HashSet<>(result.messageIds()).size());
        assertEquals(50, Rabbit.ready(queue.name()).getAsLong(), "every confirmed message is in the queue");
    }

    @ParameterizedTest
    @ValueSource(strings = {"individual", "batch", "async"})
    void aNackedMessageIsSentAgainThenReportedNeverCountedAsSent(String confirm) throws Exception {
        // A queue that holds 3 messages and refuses more: the broker nacks every publish beyond that.
        String exchange = Await.unique("capped-x");
        String capped = Await.unique("capped");
        try (Connection c = RabbitMqConnections.connect(Rabbit.url(), "test"); Channel ch = c.createChannel()) {
            ch.exchangeDeclare(exchange, BuiltinExchangeType.DIRECT, true);
            ch.queueDeclare(capped, true, false, false, Map.of("x-max-length", 3, "x-overflow", "reject-publish"));
            ch.queueBind(capped, exchange, "k");
        }
        RabbitMqProducer.Result result = new RabbitMqProducer(
                config(new QueueSpec("unused", true, "quorum"), exchange, "k", 5, confirm)).publish();

        assertFalse(result.allConfirmed(), "the producer must not report success");
        assertEquals(3, Rabbit.ready(capped).getAsLong(), "the broker stored 3");
        if (confirm.equals("batch")) {
            // One batch of 5: a nack means "at least one of them", so the whole batch is sent again and, when
            // that is nacked too, all 5 are reported failed although 3 are stored. The batch trade-off.
            assertEquals(0, result.confirmed());
            assertEquals(5, result.nacked());
        } else {
            assertEquals(3, result.confirmed());
            assertEquals(2, result.nacked(), "nacked, sent again, nacked again: reported as failed");
        }
    }
}
