package io.github.mqexamples.rabbitmq.consumer;

import io.github.mqexamples.common.ConsumerConfigBuilder;
import io.github.mqexamples.common.SimulatedWork;
import io.github.mqexamples.common.rabbitmq.AmqpUrl;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import java.time.Duration;

/**
 * What the consumer is set to do: one field per setting of {@link RabbitMqConsumerApp}. Built by name, for
 * instance {@code ConsumerConfig.builder(url, queue).prefetch(10).maxMessages(5).build()}; what is not named
 * keeps the program's default (ConsumerConfigTest checks that the builder and the flags agree).
 *
 * @param exchange    "" = consume the queue only; else also bind the queue to this direct exchange
 * @param routingKey  the binding key for {@code exchange}; null = the queue's name
 * @param ackEvery    processed messages settled by one ack, before {@link BatchedAcks#size} caps it
 * @param maxMessages 0 = until stopped
 * @param logMessages a line per message; false = a progress line each second
 */
public record ConsumerConfig(AmqpUrl url, QueueSpec queue, String exchange, String routingKey, AckMode ack,
                             int prefetch, int ackEvery, SimulatedWork work, RetryMode retry, int maxAttempts,
                             Duration retryDelay, int maxMessages, boolean logMessages) {

    public static Builder builder(AmqpUrl url, QueueSpec queue) {
        return new Builder(url, queue);
    }

    /** The program's defaults, until a setter says otherwise (those both consumers have: ConsumerConfigBuilder). */
    public static final class Builder extends ConsumerConfigBuilder<Builder> {
        private final AmqpUrl url;
        private final QueueSpec queue;
        private String exchange = "";
        private String routingKey;
        private AckMode ack = AckMode.MANUAL;
        private int prefetch = 100;
        private int ackEvery = BatchedAcks.DEFAULT_SIZE;
        private RetryMode retry = RetryMode.DELAYED;

        private Builder(AmqpUrl url, QueueSpec queue) {
            this.url = url;
            this.queue = queue;
        }

        /** Also bind the queue to this direct exchange, with this binding key (null = the queue's name). */
        public Builder bindTo(String exchange, String bindingKey) {
            this.exchange = exchange;
            this.routingKey = bindingKey;
            return this;
        }

        public Builder ack(AckMode ack) {
            this.ack = ack;
            return this;
        }

        public Builder prefetch(int prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        public Builder ackEvery(int ackEvery) {
            this.ackEvery = ackEvery;
            return this;
        }

        public Builder retry(RetryMode retry) {
            this.retry = retry;
            return this;
        }

        public ConsumerConfig build() {
            return new ConsumerConfig(url, queue, exchange, routingKey, ack, prefetch, ackEvery, work, retry,
                    maxAttempts, retryDelay, maxMessages, logMessages);
        }
    }
}
