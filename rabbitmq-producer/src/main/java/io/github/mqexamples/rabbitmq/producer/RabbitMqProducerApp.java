package io.github.mqexamples.rabbitmq.producer;

import io.github.mqexamples.common.Cli;
import io.github.mqexamples.common.Settings;
import io.github.mqexamples.common.Values;
import io.github.mqexamples.common.rabbitmq.RabbitMqSettings;

/**
 * Publishes {@code --count} messages to a RabbitMQ queue and exits 0 only when the broker has confirmed
 * every one of them. This class reads the settings; the producer itself, from connect to confirm, is
 * {@link RabbitMqProducer}.
 *
 * <pre>java -jar rabbitmq-producer/target/rabbitmq-producer.jar --count 3</pre>
 */
public final class RabbitMqProducerApp {

    static final Settings SETTINGS = RabbitMqSettings.addTo(new Settings("rabbitmq-producer",
                    "Publishes persistent messages to a durable RabbitMQ queue and waits for the broker's confirms."))
            .add("exchange", "RABBITMQ_EXCHANGE", "", "publish to this exchange (declared if missing) instead"
                    + " of straight to the queue; '' = the default exchange")
            .add("exchange-type", "RABBITMQ_EXCHANGE_TYPE", "direct", "type of --exchange: direct, fanout, topic or"
                    + " headers; declared alike by the consumer")
            .add("routing-key", "RABBITMQ_ROUTING_KEY", null, "routing key; none = the queue name")
            .add("header", "MESSAGE_HEADERS", null, "name=value header on every message (a headers exchange routes"
                    + " by them), repeatable or comma-separated")
            .add("persistent", "RABBITMQ_PERSISTENT", "true", "mark messages persistent: written to disk")
            .add("count", "MESSAGE_COUNT", "1", "how many messages to send; with more than one, bodies are numbered")
            .add("message", "MESSAGE_BODY", "Hello World!", "the message body")
            .add("message-id", "MESSAGE_ID", null, "message id; none = a new UUID per message (with --count > 1:"
                    + " <id>-1, <id>-2, ...). Send the same id twice to see the consumer skip the duplicate")
            .add("size", "MESSAGE_SIZE", "0", "pad each body to this many bytes; 0 = the body as it is")
            .add("rate", "MESSAGE_RATE", "0", "messages per second; 0 = as fast as confirms allow")
            .add("log-messages", "LOG_MESSAGES", "true", "a line per message; false = a progress line each second"
                    + " (for long runs)")
            .add("confirm", "RABBITMQ_CONFIRM", "async", "how to wait for publisher confirms: individual, batch or async")
            .add("batch-size", "RABBITMQ_CONFIRM_BATCH", "100", "messages per batch with --confirm batch")
            .add("confirm-window", "RABBITMQ_CONFIRM_WINDOW", String.valueOf(AsyncConfirms.DEFAULT_WINDOW),
                    "most messages awaiting a confirm at once with --confirm async")
            .add("confirm-timeout", "RABBITMQ_CONFIRM_TIMEOUT", "30s", "how long to wait for the broker's confirms")
            .add("publish-retries", "RABBITMQ_PUBLISH_RETRIES", "3", "re-sends of a message the broker nacked or"
                    + " did not confirm, before giving up on it")
            .add("threads", "RABBITMQ_PRODUCER_THREADS", "1", "publishing threads, each with a channel of its own"
                    + " (in confirm mode) on the one connection");

    private RabbitMqProducerApp() {
    }

    public static void main(String[] args) {
        Cli.main(SETTINGS, args, values -> new RabbitMqProducer(config(values)).publish().allConfirmed() ? 0 : 1);
    }

    static ProducerConfig config(Values v) {
        return ProducerConfig.builder(RabbitMqSettings.url(v), RabbitMqSettings.queue(v))
                .publishTo(v.optional("exchange").orElse(""),
                        v.optional("routing-key").filter(k -> !k.isEmpty()).orElse(null))
                .exchangeType(RabbitMqSettings.exchangeType(v))
                .headers(v.pairs("header"))
                .persistent(v.bool("persistent"))
                .count(v.integer("count", 1, Integer.MAX_VALUE))
                .message(v.string("message"))
                .messageId(v.optional("message-id").filter(id -> !id.isEmpty()).orElse(null))
                .size(v.integer("size", 0, 128 * 1024 * 1024))
                .rate(v.integer("rate", 0, Integer.MAX_VALUE))
                .logMessages(v.bool("log-messages"))
                .confirm(v.choice("confirm", ConfirmMode.class))
                .batchSize(v.integer("batch-size", 1, 100_000))
                .confirmWindow(v.integer("confirm-window", 1, 100_000))
                .confirmTimeout(v.duration("confirm-timeout"))
                .publishRetries(v.integer("publish-retries", 0, 1_000))
                .threads(v.integer("threads", 1, 64))
                .build();
    }
}
