package io.github.mqexamples.rabbitmq.consumer;

import io.github.mqexamples.common.Cli;
import io.github.mqexamples.common.GracefulShutdown;
import io.github.mqexamples.common.Settings;
import io.github.mqexamples.common.Values;
import io.github.mqexamples.common.rabbitmq.AmqpUrl;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import java.time.Duration;

/**
 * Consumes a RabbitMQ queue, acknowledging each message after it has been processed, until Ctrl-C
 * (or {@code --max-messages}).
 *
 * <pre>java -jar rabbitmq-consumer/target/rabbitmq-consumer.jar</pre>
 */
public final class RabbitMqConsumerApp {

    static final Settings SETTINGS = new Settings("rabbitmq-consumer",
            "Consumes a RabbitMQ queue with manual acknowledgements and a prefetch limit; stops cleanly on Ctrl-C.")
            .add("url", "RABBITMQ_URL", "amqp://guest:guest@localhost:5672/", "AMQP URL of the broker")
            .add("queue", "RABBITMQ_QUEUE", "hello", "queue to consume (declared if missing)")
            .add("queue-type", "RABBITMQ_QUEUE_TYPE", "quorum", "quorum or classic")
            .add("durable", "RABBITMQ_DURABLE", "true", "declare the queue durable: it survives a broker restart")
            .add("ack", "RABBITMQ_ACK", "manual", "manual: ack after processing; auto: the broker forgets a message"
                    + " as soon as it is sent (the Go sample's mode)")
            .add("prefetch", "RABBITMQ_PREFETCH", "10", "most unacknowledged messages the broker sends ahead")
            .add("max-messages", "MAX_MESSAGES", "0", "exit after this many messages; 0 = run until Ctrl-C");

    private RabbitMqConsumerApp() {
    }

    public static void main(String[] args) {
        Cli.main(SETTINGS, args, values -> {
            RabbitMqConsumer consumer = new RabbitMqConsumer(config(values));
            // Ctrl-C / SIGTERM: finish and ack the message in hand, close the connection, exit 0.
            GracefulShutdown shutdown = GracefulShutdown.install(consumer::stop, Duration.ofSeconds(20));
            try {
                consumer.run();
            } finally {
                shutdown.finished();
            }
            return 0;
        });
    }

    static RabbitMqConsumer.Config config(Values v) {
        return new RabbitMqConsumer.Config(
                AmqpUrl.parse(v.string("url"), "--url / RABBITMQ_URL"),
                new QueueSpec(v.string("queue"), v.bool("durable"), v.choice("queue-type", "quorum", "classic")),
                v.choice("ack", "manual", "auto").equals("manual"),
                v.integer("prefetch", 1, 65535),
                v.integer("max-messages", 0, Integer.MAX_VALUE));
    }
}
