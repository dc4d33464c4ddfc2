package io.github.mqexamples.rabbitmq.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.mqexamples.common.UsageException;
import io.github.mqexamples.common.Values;
import io.github.mqexamples.common.rabbitmq.RabbitMqSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumerConfigTest {

    static Values flags(String... args) {
        return RabbitMqConsumerApp.SETTINGS.parse(args, Map.of());
    }

    @Test
    void theBuildersDefaultsAreTheProgramsDefaults() {
        Values defaults = flags();
        assertEquals(RabbitMqConsumerApp.config(defaults),
                ConsumerConfig.builder(RabbitMqSettings.url(defaults), RabbitMqSettings.queue(defaults)).build());
    }

    @Test
    void eachFlagReachesItsField() {
        ConsumerConfig config = RabbitMqConsumerApp.config(flags("--exchange", "orders", "--routing-key", "created",
                "--ack", "manual", "--prefetch", "7", "--ack-every", "2", "--retry", "requeue", "--max-attempts", "4",
                "--retry-delay", "2s", "--max-messages", "9", "--log-messages", "false"));
        assertEquals(ConsumerConfig.builder(config.url(), config.queue()).bindTo("orders", "created")
                .ack(AckMode.MANUAL).prefetch(7).ackEvery(2).retry(RetryMode.REQUEUE).maxAttempts(4)
                .retryDelay(Duration.ofSeconds(2)).maxMessages(9).logMessages(false).build(), config);
        assertEquals(AckMode.AUTO, RabbitMqConsumerApp.config(flags("--ack", "auto")).ack());
        assertEquals(RetryMode.NONE, RabbitMqConsumerApp.config(flags("--retry", "none")).retry());
    }

    @Test
    void aBadModeIsNamedWithTheValuesItAccepts() {
        assertEquals("invalid --ack: 'sometimes', expected one of manual, auto", assertThrows(UsageException.class,
                () -> RabbitMqConsumerApp.config(flags("--ack", "sometimes"))).getMessage());
        assertEquals("invalid --retry: 'later', expected one of delayed, requeue, none", assertThrows(
                UsageException.class, () -> RabbitMqConsumerApp.config(flags("--retry", "later"))).getMessage());
        assertEquals("--retry requeue needs --ack manual: an auto-acked message cannot be put back", assertThrows(
                UsageException.class, () -> RabbitMqConsumerApp.config(flags("--retry", "requeue", "--ack", "auto")))
                .getMessage());
    }
}
