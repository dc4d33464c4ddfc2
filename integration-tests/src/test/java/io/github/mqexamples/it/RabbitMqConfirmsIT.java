package io.github.mqexamples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import io.github.mqexamples.common.rabbitmq.RabbitMqConnections;
import io.github.mqexamples.rabbitmq.producer.ConfirmMode;
import io.github.mqexamples.rabbitmq.producer.ProducerConfig;
import io.github.mqexamples.rabbitmq.producer.RabbitMqProducer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Best practice "batch sending": the three ways of waiting for publisher confirms, and what a nack does. */
class RabbitMqConfirmsIT {

    static ProducerConfig config(QueueSpec queue, String exchange, String key, int count, ConfirmMode confirm) {
        return ProducerConfig.builder(Rabbit.url(), queue).publishTo(exchange, key).count(count)
                .confirm(confirm).batchSize(10).confirmTimeout(Duration.ofSeconds(20)).publishRetries(1).build();
    }

    @ParameterizedTest
    @EnumSource(ConfirmMode.class)
    void everyConfirmStrategyCountsOnlyConfirmedMessages(ConfirmMode confirm) throws Exception {
        QueueSpec queue = new QueueSpec(Await.unique("confirm-" + confirm.name().toLowerCase(Locale.ROOT)), true,
                "quorum");
        RabbitMqProducer.Result result = new RabbitMqProducer(config(queue, "", null, 50, confirm)).publish();
        assertTrue(result.allConfirmed());
        assertEquals(50, result.confirmed());
        assertEquals(0, result.resent(), "nothing needed sending again");
        assertEquals(50, new HashSet<>(result.messageIds()).size());
        assertEquals(50, Rabbit.ready(queue.name()).getAsLong(), "every confirmed message is in the queue");
    }

    @ParameterizedTest
    @EnumSource(ConfirmMode.class)
    void aNackedMessageIsSentAgainThenReportedNeverCountedAsSent(ConfirmMode confirm) throws Exception {
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
        // The queue takes 3 and refuses the rest. (Once in about a dozen runs here, on a node just started,
        // RabbitMQ 3.10 confirmed a fourth. So the counts below follow what the broker stored; a confirm for a
        // message it did not store would still fail them.)
        long stored = Rabbit.ready(capped).getAsLong();
        assertTrue(stored == 3 || stored == 4, "the broker stored " + stored);
        if (confirm == ConfirmMode.BATCH) {
            // One batch of 5: a nack means "at least one of them", so the whole batch is sent again and, when
            // that is nacked too, all 5 are reported failed although 3 are stored. The batch trade-off.
            assertEquals(0, result.confirmed());
            assertEquals(5, result.nacked());
            assertEquals(5, result.resent(), "the whole batch sent again");
        } else {
            assertEquals(stored, result.confirmed(), "confirmed: exactly what the broker stored");
            assertEquals(5 - stored, result.nacked(), "nacked, sent again, nacked again: reported as failed");
            // --publish-retries 1: each message refused at first was sent once more before being reported.
            assertTrue(result.resent() >= result.nacked() && result.resent() <= 5 - 3,
                    "sent again: " + result.resent() + ", failed: " + result.nacked());
        }
        // The exchange counts every publish it received, first sends and re-sends alike: the re-sends the
        // producer counted really reached the broker.
        int published = 5 + result.resent();
        Await.until("the exchange's statistics show " + published + " publishes", Duration.ofSeconds(30),
                () -> publishedTo(exchange) == published);
    }

    /** How many messages the exchange has received (its statistics' publish_in); -1 while not reported. */
    static long publishedTo(String exchange) {
        return Rabbit.number(Await.orElse("", () -> Rabbit.managementJson("/api/exchanges/%2F/" + exchange)),
                "publish_in");
    }
}
