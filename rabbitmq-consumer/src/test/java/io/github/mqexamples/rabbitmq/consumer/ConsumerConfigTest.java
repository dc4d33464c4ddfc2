package io.github.mqexamples.rabbitmq.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.mqexamples.common.UsageException;
import io.github.mqexamples.common.Values;
import io.github.mqexamples.common.rabbitmq.ExchangeType;
import io.github.mqexamples.common.rabbitmq.RabbitMqSettings;
import java.time.Duration;
import java.util.List;
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
                "--retry-delay", "2s", "--max-messages", "9", "--log-messages", "false", "--concurrency", "3"));
        assertEquals(ConsumerConfig.builder(config.url(), config.queue()).bindTo("orders", "created")
                .ack(AckMode.MANUAL).prefetch(7).ackEvery(2).retry(RetryMode.REQUEUE).maxAttempts(4)
                .retryDelay(Duration.ofSeconds(2)).maxMessages(9).logMessages(false).concurrency(3).build(), config);
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

    @Test
    void bindingKeysAreRepeatableOrCommaSeparatedAndRoutingKeyStillWorks() {
        assertEquals(new Bindings(ExchangeType.TOPIC, List.of("*.error", "app.#", "audit"), Map.of(), true),
                RabbitMqConsumerApp.config(flags("--exchange", "logs", "--exchange-type", "topic", "--binding-key",
                        "*.error", "--binding-key", "app.#,audit")).bindings());
        assertEquals(List.of("created"), RabbitMqConsumerApp.config(flags("--exchange", "orders", "--routing-key",
                "created")).bindings().keys());
        assertEquals(List.of("a"), RabbitMqConsumerApp.config(flags("--exchange", "orders", "--routing-key",
                "created", "--binding-key", "a")).bindings().keys(), "--binding-key, when given, is the one that counts");
    }

    @Test
    void bindingHeadersWithMatchAny() {
        Bindings b = RabbitMqConsumerApp.config(flags("--exchange", "reports", "--exchange-type", "headers",
                "--binding-header", "format=pdf", "--binding-header", "type=report", "--match", "any")).bindings();
        assertEquals(new Bindings(ExchangeType.HEADERS, List.of(), Map.of("format", "pdf", "type", "report"), false), b);
    }

    @Test
    void combinationsThatMakeNoSenseAreRefusedInOneLine() {
        assertEquals("--binding-header needs --exchange-type headers: a topic exchange routes by key, not by headers",
                assertThrows(UsageException.class, () -> RabbitMqConsumerApp.config(flags("--exchange", "logs",
                        "--exchange-type", "topic", "--binding-header", "a=b"))).getMessage());
        assertEquals("--queue '' (a server-named queue) needs --exchange: nothing else routes to it",
                assertThrows(UsageException.class, () -> RabbitMqConsumerApp.config(flags("--queue", "")))
                        .getMessage());
        assertEquals("invalid --concurrency: '65', expected a whole number from 1 to 64", assertThrows(
                UsageException.class, () -> RabbitMqConsumerApp.config(flags("--concurrency", "65"))).getMessage());
        assertEquals("invalid --match: 'some', expected one of all, any", assertThrows(UsageException.class,
                () -> RabbitMqConsumerApp.config(flags("--exchange", "r", "--exchange-type", "headers", "--match",
                        "some"))).getMessage());
        assertEquals("", RabbitMqConsumerApp.config(flags("--queue", "", "--exchange", "news", "--exchange-type",
                "fanout")).queue().name(), "server-named: the broker gives the name");
    }
}
