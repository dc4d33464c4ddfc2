package io.github.mqexamples.rabbitmq.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.mqexamples.common.UsageException;
import io.github.mqexamples.common.Values;
import io.github.mqexamples.common.rabbitmq.ExchangeType;
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
                "--confirm-window", "9", "--confirm-timeout", "2s", "--publish-retries", "1", "--threads", "4"));
        assertEquals(ProducerConfig.builder(config.url(), config.queue()).publishTo("orders", "created")
                .persistent(false).count(5).message("hi").messageId("order-42").size(64).rate(10).logMessages(false)
                .confirm(ConfirmMode.BATCH).batchSize(7).confirmWindow(9).confirmTimeout(Duration.ofSeconds(2))
                .publishRetries(1).threads(4).build(), config);
        assertEquals(ConfirmMode.INDIVIDUAL, RabbitMqProducerApp.config(flags("--confirm", "individual")).confirm());
    }

    @Test
    void aBadConfirmModeIsNamedWithTheValuesItAccepts() {
        assertEquals("invalid --confirm: 'never', expected one of individual, batch, async", assertThrows(
                UsageException.class, () -> RabbitMqProducerApp.config(flags("--confirm", "never"))).getMessage());
    }

    @Test
    void threadsAreOneTo64() {
        assertEquals("invalid --threads: '0', expected a whole number from 1 to 64", assertThrows(
                UsageException.class, () -> RabbitMqProducerApp.config(flags("--threads", "0"))).getMessage());
    }

    @Test
    void theExchangeTypeAndHeadersReachTheirFields() {
        ProducerConfig config = RabbitMqProducerApp.config(flags("--exchange", "reports", "--exchange-type", "headers",
                "--header", "format=pdf", "--header", "type=report"));
        assertEquals(ExchangeType.HEADERS, config.exchangeType());
        assertEquals(Map.of("format", "pdf", "type", "report"), config.headers());
        assertEquals(Map.of("format", "pdf", "type", "report", "x-sent-at", 1L), config.headersAnd("x-sent-at", 1L));
        assertEquals(ExchangeType.TOPIC, RabbitMqProducerApp.SETTINGS.parse(new String[] {"--exchange", "logs"},
                Map.of("RABBITMQ_EXCHANGE_TYPE", "topic")).choice("exchange-type", ExchangeType.class));
    }

    @Test
    void aBadExchangeTypeOrOneWithoutAnExchangeIsRefusedInOneLine() {
        assertEquals("invalid --exchange-type: 'x', expected one of direct, fanout, topic, headers", assertThrows(
                UsageException.class, () -> RabbitMqProducerApp.config(flags("--exchange", "e", "--exchange-type",
                        "x"))).getMessage());
        assertEquals("--exchange-type fanout needs --exchange: the default exchange is always direct", assertThrows(
                UsageException.class, () -> RabbitMqProducerApp.config(flags("--exchange-type", "fanout")))
                .getMessage());
        assertEquals("invalid --header: 'pdf', expected name=value", assertThrows(UsageException.class,
                () -> RabbitMqProducerApp.config(flags("--header", "pdf"))).getMessage());
    }
}
