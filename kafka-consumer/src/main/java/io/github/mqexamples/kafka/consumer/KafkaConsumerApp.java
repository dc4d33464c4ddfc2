package io.github.mqexamples.kafka.consumer;

import io.github.mqexamples.common.Cli;
import io.github.mqexamples.common.GracefulShutdown;
import io.github.mqexamples.common.Settings;
import io.github.mqexamples.common.Values;
import java.time.Duration;

/**
 * Reads a Kafka topic as a member of a consumer group, committing offsets only after processing, until
 * Ctrl-C (or {@code --max-messages}).
 *
 * <pre>java -jar kafka-consumer/target/kafka-consumer.jar</pre>
 */
public final class KafkaConsumerApp {

    static final Settings SETTINGS = new Settings("kafka-consumer",
            "Reads a Kafka topic in a consumer group, committing after processing; stops cleanly on Ctrl-C.")
            .add("bootstrap-servers", "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092", "host:port[,host:port...] of the cluster")
            .add("topic", "KAFKA_TOPIC", "test-topic", "topic to read")
            .add("group", "KAFKA_GROUP_ID", "test-group", "consumer group: members share the partitions and the committed offsets")
            .add("max-messages", "MAX_MESSAGES", "0", "exit after this many records; 0 = run until Ctrl-C");

    private KafkaConsumerApp() {
    }

    public static void main(String[] args) {
        Cli.main(SETTINGS, args, values -> {
            KafkaConsumerExample consumer = new KafkaConsumerExample(config(values));
            // Ctrl-C / SIGTERM: wake the poll loop, commit what was processed, leave the group, exit 0.
            GracefulShutdown shutdown = GracefulShutdown.install(consumer::stop, Duration.ofSeconds(20));
            try {
                consumer.run();
            } finally {
                shutdown.finished();
            }
            return 0;
        });
    }

    static KafkaConsumerExample.Config config(Values v) {
        return new KafkaConsumerExample.Config(
                v.string("bootstrap-servers"),
                v.string("topic"),
                v.string("group"),
                v.integer("max-messages", 0, Integer.MAX_VALUE));
    }
}
