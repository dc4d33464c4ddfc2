package io.github.mqexamples.rabbitmq.producer;

import io.github.mqexamples.common.ProducerConfigBuilder;
import io.github.mqexamples.common.rabbitmq.AmqpUrl;
import io.github.mqexamples.common.rabbitmq.ExchangeType;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * What the producer is set to do: one field per setting of {@link RabbitMqProducerApp}. Built by name, for
 * instance {@code ProducerConfig.builder(url, queue).count(50).confirm(ConfirmMode.BATCH).build()}; what is not
 * named keeps the program's default (ProducerConfigTest checks that the builder and the flags agree).
 *
 * @param exchange    "" = the default exchange, which routes to the queue named by the routing key
 * @param exchangeType how {@code exchange} routes; declared with it
 * @param routingKey  null = the queue's name
 * @param headers     added to every message's headers (what a headers exchange routes by)
 * @param messageId   null = a random UUID per message
 * @param size        body size in bytes (padded or cut), 0 = the body as it is
 * @param rate        messages per second, 0 = unlimited
 * @param logMessages a line per message; false = a progress line each second
 * @param threads     publishing threads, each with a channel of its own on the one connection
 */
public record ProducerConfig(AmqpUrl url, QueueSpec queue, String exchange, ExchangeType exchangeType,
                             String routingKey, Map<String, String> headers, boolean persistent,
                             int count, String message, String messageId, int size, int rate, boolean logMessages,
                             ConfirmMode confirm, int batchSize, int confirmWindow, Duration confirmTimeout,
                             int publishRetries, int threads) {

    public static Builder builder(AmqpUrl url, QueueSpec queue) {
        return new Builder(url, queue);
    }

    /** The message's headers: {@code headers}, and one more (the send time, which differs per message). */
    Map<String, Object> headersAnd(String name, Object value) {
        Map<String, Object> all = new HashMap<>(headers);
        all.put(name, value);
        return all;
    }

    String routingKeyOrQueue() {
        return routingKey != null ? routingKey : queue.name();
    }

    /** The program's defaults, until a setter says otherwise (those both producers have: ProducerConfigBuilder). */
    public static final class Builder extends ProducerConfigBuilder<Builder> {
        private final AmqpUrl url;
        private final QueueSpec queue;
        private String exchange = "";
        private ExchangeType exchangeType = ExchangeType.DIRECT;
        private String routingKey;
        private Map<String, String> headers = Map.of();
        private boolean persistent = true;
        private String messageId;
        private ConfirmMode confirm = ConfirmMode.ASYNC;
        private int batchSize = 100;
        private int confirmWindow = AsyncConfirms.DEFAULT_WINDOW;
        private Duration confirmTimeout = Duration.ofSeconds(30);
        private int publishRetries = 3;
        private int threads = 1;

        private Builder(AmqpUrl url, QueueSpec queue) {
            super("Hello World!");
            this.url = url;
            this.queue = queue;
        }

        /** Publish to this exchange with this routing key (null = the queue's name), not straight to the queue. */
        public Builder publishTo(String exchange, String routingKey) {
            this.exchange = exchange;
            this.routingKey = routingKey;
            return this;
        }

        public Builder exchangeType(ExchangeType exchangeType) {
            this.exchangeType = exchangeType;
            return this;
        }

        public Builder headers(Map<String, String> headers) {
            this.headers = Map.copyOf(headers);
            return this;
        }

        public Builder persistent(boolean persistent) {
            this.persistent = persistent;
            return this;
        }

        public Builder messageId(String messageId) {
            this.messageId = messageId;
            return this;
        }

        public Builder confirm(ConfirmMode confirm) {
            this.confirm = confirm;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder confirmWindow(int confirmWindow) {
            this.confirmWindow = confirmWindow;
            return this;
        }

        public Builder confirmTimeout(Duration confirmTimeout) {
            this.confirmTimeout = confirmTimeout;
            return this;
        }

        public Builder publishRetries(int publishRetries) {
            this.publishRetries = publishRetries;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public ProducerConfig build() {
            return new ProducerConfig(url, queue, exchange, exchangeType, routingKey, headers, persistent, count, message, messageId, size,
                    rate, logMessages, confirm, batchSize, confirmWindow, confirmTimeout, publishRetries,
                    threads);
        }
    }
}
