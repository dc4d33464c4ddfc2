package io.github.mqexamples.rabbitmq.producer;

import io.github.mqexamples.common.ProducerConfigBuilder;
import io.github.mqexamples.common.rabbitmq.AmqpUrl;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import java.time.Duration;

/**
 * What the producer is set to do: one field per setting of {@link RabbitMqProducerApp}. Built by name, for
 * instance {@code ProducerConfig.builder(url, queue).count(50).confirm(ConfirmMode.BATCH).build()}; what is not
 * named keeps the program's default (ProducerConfigTest checks that the builder and the flags agree).
 *
 * @param exchange    "" = the default exchange, which routes to the queue named by the routing key
 * @param routingKey  null = the queue's name
 * @param messageId   null = a random UUID per message
 * @param size        body size in bytes (padded or cut), 0 = the body as it is
 * @param rate        messages per second, 0 = unlimited
 * @param logMessages a line per message; false = a progress line each second
 */
public record ProducerConfig(AmqpUrl url, QueueSpec queue, String exchange, String routingKey, boolean persistent,
                             int count, String message, String messageId, int size, int rate, boolean logMessages,
                             ConfirmMode confirm, int batchSize, int confirmWindow, Duration confirmTimeout,
                             int publishRetries) {

    public static Builder builder(AmqpUrl url, QueueSpec queue) {
        return new Builder(url, queue);
    }

    String routingKeyOrQueue() {
        return routingKey != null ? routingKey : queue.name();
    }

    /** The program's defaults, until a setter says otherwise (those both producers have: ProducerConfigBuilder). */
    public static final class Builder extends ProducerConfigBuilder<Builder> {
        private final AmqpUrl url;
        private final QueueSpec queue;
        private String exchange = "";
        private String routingKey;
        private boolean persistent = true;
        private String messageId;
        private ConfirmMode confirm = ConfirmMode.ASYNC;
        private int batchSize = 100;
        private int confirmWindow = AsyncConfirms.DEFAULT_WINDOW;
        private Duration confirmTimeout = Duration.ofSeconds(30);
        private int publishRetries = 3;

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

        public ProducerConfig build() {
            return new ProducerConfig(url, queue, exchange, routingKey, persistent, count, message, messageId, size,
                    rate, logMessages, confirm, batchSize, confirmWindow, confirmTimeout, publishRetries);
        }
    }
}
