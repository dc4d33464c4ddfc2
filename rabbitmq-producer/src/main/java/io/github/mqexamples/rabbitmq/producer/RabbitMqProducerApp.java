package io.github.mqexamples.rabbitmq.producer;

import io.github.mqexamples.common.Cli;
import io.github.mqexamples.common.Settings;
import io.github.mqexamples.common.Values;
import io.github.mqexamples.common.rabbitmq.AmqpUrl;
import io.github.mqexamples.common.rabbitmq.QueueSpec;

/**
 * Publishes {@code --count} messages to a RabbitMQ queue and exits 0 only when the broker has confirmed
 * every one of them.
 *
 * <pre>java -jar rabbitmq-producer/target/rabbitmq-producer.jar --count 3</pre>
 */
public final class RabbitMqProducerApp {

    static final Settings SETTINGS = new Settings("rabbitmq-producer",
            "Publishes persistent messages to a durable RabbitMQ queue and waits for the broker's confirms.")
            .add("url", "RABBITMQ_URL", "amqp://guest:guest@localhost:5672/", "AMQP URL of the broker")
            .add("queue", "RABBITMQ_QUEUE", "hello", "queue to publish to (declared if missing)")
            .add("queue-type", "RABBITMQ_QUEUE_TYPE", "quorum", "quorum or classic")
            .add("durable", "RABBITMQ_DURABLE", "true", "declare the queue durable: it survives a broker restart")
            .add("persistent", "RABBITMQ_PERSISTENT", "true", "mark messages persistent: written to disk")
            .add("count", "MESSAGE_COUNT", "1", "how many messages to send; with more than one, bodies are numbered")
            .add("message", "MESSAGE_BODY", "Hello World!", "the message body")
            .add("confirm-timeout", "RABBITMQ_CONFIRM_TIMEOUT", "30s", "how long to wait for the broker's confirms");

    private RabbitMqProducerApp() {
    }

    public static void main(String[] args) {
        Cli.main(SETTINGS, args, values -> {
            RabbitMqProducer.Result result = new RabbitMqProducer(config(values)).publish();
            return result.allConfirmed() ? 0 : 1;
        });
    }

    static RabbitMqProducer.Config config(Values v) {
        return new RabbitMqProducer.Config(
                AmqpUrl.parse(v.string("url"), "--url / RABBITMQ_URL"),
                new QueueSpec(v.string("queue"), v.bool("durable"), v.choice("queue-type", "quorum", "classic")),
                v.bool("persistent"),
                v.integer("count", 1, Integer.MAX_VALUE),
                v.string("message"),
                v.duration("confirm-timeout"));
    }
}
