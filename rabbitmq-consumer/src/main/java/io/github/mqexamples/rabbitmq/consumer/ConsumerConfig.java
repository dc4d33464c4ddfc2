package io.github.mqexamples.rabbitmq.consumer;

import io.github.mqexamples.common.ConsumerConfigBuilder;
import io.github.mqexamples.common.SimulatedWork;
import io.github.mqexamples.common.rabbitmq.AmqpUrl;
import io.github.mqexamples.common.rabbitmq.ExchangeType;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the consumer is set to do: one field per setting of {@link RabbitMqConsumerApp}. Built by name, for
 * instance {@code ConsumerConfig.builder(url, queue).prefetch(10).maxMessages(5).build()}; what is not named
 * keeps the program's default (ConsumerConfigTest checks that the builder and the flags agree).
 *
 * @param queue       a name of "" = a server-named, exclusive, auto-delete queue (needs an exchange)
 * @param exchange    "" = consume the queue only; else also bind the queue to this exchange
 * @param bindings    the exchange's type and how the queue is bound to it
 * @param ackEvery    processed messages settled by one ack, before {@link BatchedAcks#size} caps it
 * @param maxMessages 0 = until stopped
 * @param logMessages a line per message; false = a progress line each second
 * @param concurrency channels consuming the queue, each with its own consumer and prefetch, on the one connection
 */
public record ConsumerConfig(AmqpUrl url, QueueSpec queue, String exchange, Bindings bindings, AckMode ack,
                             int prefetch, int ackEvery, SimulatedWork work, RetryMode retry, int maxAttempts,
                             Duration retryDelay, int maxMessages, boolean logMessages,
                             int concurrency) {

    public static Builder builder(AmqpUrl url, QueueSpec queue) {
        return new Builder(url, queue);
    }

    /** The program's defaults, until a setter says otherwise (those both consumers have: ConsumerConfigBuilder). */
    public static final class Builder extends ConsumerConfigBuilder<Builder> {
        private final AmqpUrl url;
        private final QueueSpec queue;
        private String exchange = "";
        private Bindings bindings = Bindings.DEFAULT;
        private AckMode ack = AckMode.MANUAL;
        private int prefetch = 100;
        private int ackEvery = BatchedAcks.DEFAULT_SIZE;
        private RetryMode retry = RetryMode.DELAYED;
        private int concurrency = 1;

        private Builder(AmqpUrl url, QueueSpec queue) {
            this.url = url;
            this.queue = queue;
        }

        /** Also bind the queue to this direct exchange, with this binding key (null = the queue's name). */
        public Builder bindTo(String exchange, String bindingKey) {
            return bindTo(exchange, new Bindings(ExchangeType.DIRECT, bindingKey == null ? List.of()
                    : List.of(bindingKey), Map.of(), true));
        }

        /** Also bind the queue to this exchange, of the type and with the keys or headers {@code bindings} says. */
        public Builder bindTo(String exchange, Bindings bindings) {
            this.exchange = exchange;
            this.bindings = bindings;
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

        public Builder concurrency(int concurrency) {
            this.concurrency = concurrency;
            return this;
        }

        public ConsumerConfig build() {
            return new ConsumerConfig(url, queue, exchange, bindings, ack, prefetch, ackEvery, work, retry,
                    maxAttempts, retryDelay, maxMessages, logMessages, concurrency);
        }
    }
}
