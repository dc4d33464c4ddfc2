package io.github.mqexamples.rabbitmq.consumer;

import io.github.mqexamples.common.Cli;
import io.github.mqexamples.common.GracefulShutdown;
import io.github.mqexamples.common.Settings;
import io.github.mqexamples.common.SimulatedWork;
import io.github.mqexamples.common.UsageException;
import io.github.mqexamples.common.Values;
import io.github.mqexamples.common.rabbitmq.ExchangeType;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import io.github.mqexamples.common.rabbitmq.RabbitMqSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Consumes a RabbitMQ queue, acknowledging each message after it has been processed, until Ctrl-C
 * (or {@code --max-messages}). A message whose processing fails is retried, then dead-lettered to
 * {@code <queue>.dlq}. This class reads the settings; the consumer itself, from connect to ack, is
 * {@link RabbitMqConsumer}.
 *
 * <pre>java -jar rabbitmq-consumer/target/rabbitmq-consumer.jar</pre>
 */
public final class RabbitMqConsumerApp {

    static final Settings SETTINGS = SimulatedWork.addTo(RabbitMqSettings.addTo(new Settings("rabbitmq-consumer",
                    "Consumes a RabbitMQ queue with manual acknowledgements, a prefetch limit, retries and a"
                            + " dead-letter queue; stops cleanly on Ctrl-C.")))
            .add("exchange", "RABBITMQ_EXCHANGE", "", "also bind the queue to this exchange (declared if missing);"
                    + " with --queue '' a server-named queue of its own, gone when the consumer stops")
            .add("exchange-type", "RABBITMQ_EXCHANGE_TYPE", "direct", "type of --exchange: direct, fanout (every"
                    + " bound queue gets every message), topic (* one word, # any words) or headers")
            .add("binding-key", "RABBITMQ_BINDING_KEY", null, "binding key(s) for a direct or topic --exchange,"
                    + " repeatable or comma-separated (*.error,app.#); none = --routing-key, else the queue name")
            .add("routing-key", "RABBITMQ_ROUTING_KEY", null, "one binding key for --exchange (--binding-key says"
                    + " more); none = the queue name")
            .add("binding-header", "RABBITMQ_BINDING_HEADERS", null, "with --exchange-type headers: name=value a"
                    + " message must carry, repeatable or comma-separated")
            .add("match", "RABBITMQ_MATCH", "all", "with --binding-header: all headers must match, or any one")
            .add("ack", "RABBITMQ_ACK", "manual", "manual: ack after processing; auto: the broker forgets a message"
                    + " as soon as it is sent (the Go sample's mode)")
            .add("prefetch", "RABBITMQ_PREFETCH", "100", "most unacknowledged messages the broker sends ahead"
                    + " (to each channel, with --concurrency)")
            .add("concurrency", "RABBITMQ_CONSUMER_CONCURRENCY", "1", "channels consuming the queue at once, each"
                    + " with its own consumer and prefetch, on the one connection")
            .add("ack-every", "RABBITMQ_ACK_EVERY", String.valueOf(BatchedAcks.DEFAULT_SIZE),
                    "with --ack manual: one ack (multiple=true) settles this many processed messages; at most half"
                            + " the prefetch, and never held longer than " + BatchedAcks.MAX_DELAY.toMillis()
                            + " ms; 1 = an ack per message")
            .add("retry", "RABBITMQ_RETRY", "delayed", "after a failure: delayed (wait in <queue>.retry), requeue"
                    + " (nack back to the queue at once) or none (dead-letter at once)")
            .add("max-attempts", "MAX_ATTEMPTS", "3", "attempts per message before it goes to <queue>.dlq")
            .add("retry-delay", "RETRY_DELAY", "5s", "wait before the next attempt with --retry delayed")
            .add("max-messages", "MAX_MESSAGES", "0", "exit after this many messages; 0 = run until Ctrl-C")
            .add("log-messages", "LOG_MESSAGES", "true", "a line per message; false = a progress line each second"
                    + " (for long runs)");

    private RabbitMqConsumerApp() {
    }

    public static void main(String[] args) {
        Cli.main(SETTINGS, args, values -> {
            RabbitMqConsumer consumer = new RabbitMqConsumer(config(values));
            // Ctrl-C / SIGTERM: finish and ack the message in hand, close the connection, exit 0.
            GracefulShutdown.run(consumer::run, consumer::stop, Duration.ofSeconds(30));
            return 0;
        });
    }

    static ConsumerConfig config(Values v) {
        // --queue '': the broker names the queue, exclusive to this connection and deleted with it (a listener
        // that only wants what is published while it runs). Without an exchange nothing could reach it.
        boolean serverNamed = v.optional("queue").orElse("").isEmpty();
        if (serverNamed && v.optional("exchange").orElse("").isEmpty()) {
            throw new UsageException("--queue '' (a server-named queue) needs --exchange: nothing else routes to it");
        }
        QueueSpec queue = serverNamed ? new QueueSpec("", false, "classic") : RabbitMqSettings.queue(v);
        AckMode ack = v.choice("ack", AckMode.class);
        RetryMode retry = v.choice("retry", RetryMode.class);
        if (retry == RetryMode.REQUEUE && ack == AckMode.AUTO) {
            throw new UsageException("--retry requeue needs --ack manual: an auto-acked message cannot be put back");
        }
        if (retry == RetryMode.REQUEUE && !queue.quorum()) {
            throw new UsageException("--retry requeue needs --queue-type quorum: only a quorum queue counts"
                    + " deliveries, so a classic queue would requeue a poison message forever");
        }
        return ConsumerConfig.builder(RabbitMqSettings.url(v), queue)
                .bindTo(v.optional("exchange").orElse(""), bindings(v))
                .ack(ack)
                .prefetch(v.integer("prefetch", 1, 65535))
                .ackEvery(v.integer("ack-every", 1, 65535))
                .work(SimulatedWork.from(v))
                .retry(retry)
                .maxAttempts(v.integer("max-attempts", 1, 1_000_000))
                .retryDelay(v.duration("retry-delay"))
                .maxMessages(v.integer("max-messages", 0, Integer.MAX_VALUE))
                .logMessages(v.bool("log-messages"))
                .concurrency(v.integer("concurrency", 1, 64))
                .build();
    }

    /** --binding-key (or else --routing-key, as before it), --binding-header and --match, checked against the type. */
    static Bindings bindings(Values v) {
        ExchangeType type = RabbitMqSettings.exchangeType(v);
        List<String> keys = v.list("binding-key");
        if (keys.isEmpty()) {
            keys = v.optional("routing-key").filter(k -> !k.isEmpty()).map(List::of).orElse(List.of());
        }
        Map<String, String> headers = v.pairs("binding-header");
        if (!headers.isEmpty() && type != ExchangeType.HEADERS) {
            throw new UsageException("--binding-header needs --exchange-type headers: a " + v.string("exchange-type")
                    + " exchange routes by key, not by headers");
        }
        return new Bindings(type, keys, headers, v.choice("match", "all", "any").equals("all"));
    }
}
