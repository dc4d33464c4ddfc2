package io.github.mqexamples.kafka.producer;

import io.github.mqexamples.common.Cli;
import io.github.mqexamples.common.Settings;
import io.github.mqexamples.common.Values;

/**
 * Sends {@code --count} keyed records to a Kafka topic (created if missing) and exits 0 only when every
 * record was acknowledged by the cluster.
 *
 * <pre>java -jar kafka-producer/target/kafka-producer.jar --count 3</pre>
 */
public final class KafkaProducerApp {

    static final Settings SETTINGS = new Settings("kafka-producer",
            "Sends keyed records to a Kafka topic with an idempotent, acks=all producer.")
            .add("bootstrap-servers", "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092", "host:port[,host:port...] of the cluster")
            .add("topic", "KAFKA_TOPIC", "test-topic", "topic to send to (created if missing)")
            .add("partitions", "KAFKA_PARTITIONS", "3", "partitions of the topic when it is created")
            .add("replication-factor", "KAFKA_REPLICATION_FACTOR", "1", "copies of each partition when the topic is created")
            .add("count", "MESSAGE_COUNT", "1", "how many records to send; with more than one, values are numbered")
            .add("message", "MESSAGE_BODY", "Hello Kafka!", "the record value")
            .add("key", "KAFKA_KEY", null, "key of every record; none = key-1, key-2, ... (one per record)");

    private KafkaProducerApp() {
    }

    public static void main(String[] args) {
        Cli.main(SETTINGS, args, values -> new KafkaProducerExample(config(values)).send().allAcknowledged() ? 0 : 1);
    }

    static KafkaProducerExample.Config config(Values v) {
        return new KafkaProducerExample.Config(
                v.string("bootstrap-servers"),
                v.string("topic"),
                v.integer("partitions", 1, 10_000),
                (short) v.integer("replication-factor", 1, Short.MAX_VALUE),
                v.integer("count", 1, Integer.MAX_VALUE),
                v.string("message"),
                v.optional("key").filter(k -> !k.isEmpty()).orElse(null));
    }
}
