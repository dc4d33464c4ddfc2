package io.github.mqexamples.rabbitmq.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.mqexamples.common.UsageException;
import io.github.mqexamples.common.Values;
import io.github.mqexamples.common.rabbitmq.RabbitMqSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProducerConfigTest {

    static Values flags(String... args) {
        return RabbitMqProducerApp.SETTINGS.parse(args, Map.of());
    }

    @Test
    void theBuildersDefaultsAreTheProgramsDefaults() {
        Values defaults = flags();
        assertEquals(RabbitMqProducerApp.config(defaults),
                ProducerConfig.builder(RabbitMqSettings.url(defaults), RabbitMqSettings.queue(defaults)).build());
    }

    @Test
    void eachFlagReachesItsField() {
        ProducerConfig config = RabbitMqProducerApp.config(flags("--exchange", "orders", "--routing-key", "created",
                "--persistent", "false", "--count", "5", "--message", "hi", "--message-id", "order-42", "--size", "64",
                "--rate", "10", "--log-messages", "false", "--confirm", "batch", "--batch-size", "7",
                "--confirm-window", "9", "--confirm-timeout", "2s", "--publish-retries", "1"));
        assertEquals(ProducerConfig.builder(config.url(), config.queue()).publishTo("orders", "created")
                .persistent(false).count(5).message("hi").messageId("order-42").size(64).rate(10).logMessages(false)
                .confirm(ConfirmMode.BATCH).batchSize(7).confirmWindow(9).confirmTimeout(Duration.ofSeconds(2))
                .publishRetries(1).build(), config);
        assertEquals(ConfirmMode.INDIVIDUAL, RabbitMqProducerApp.config(flags("--confirm", "individual")).confirm());
    }

    @Test
    void aBadConfirmModeIsNamedWithTheValuesItAccepts() {
        assertEquals("invalid --confirm: 'never', expected one of individual, batch, async", assertThrows(
                UsageException.class, () -> RabbitMqProducerApp.config(flags("--confirm", "never"))).getMessage());
    }
}
