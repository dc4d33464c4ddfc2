package io.github.mqexamples.kafka.producer;

import io.github.mqexamples.common.Cli;
import io.github.mqexamples.common.Log;
import io.github.mqexamples.common.Settings;
import io.github.mqexamples.common.Values;
import io.github.mqexamples.common.kafka.KafkaClientConfig;
import io.github.mqexamples.common.kafka.KafkaErrors;
import java.time.Duration;

/**
 * Sends {@code --count} keyed records to a Kafka topic (created if missing) and exits 0 only when every
 * record was acknowledged by the cluster.
 *
 * <pre>java -jar kafka-producer/target/kafka-producer.jar --count 3</pre>
 */
public final class KafkaProducerApp {

    static final Settings SETTINGS = KafkaClientConfig.addTo(new Settings("kafka-producer",
            "Sends keyed records to a Kafka topic with an idempotent, acks=all producer.")
            .add("bootstrap-servers", "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092", "host:port[,host:port...] of the cluster")
            .add("topic", "KAFKA_TOPIC", "test-topic", "topic to send to (created if missing)")
            .add("partitions", "KAFKA_PARTITIONS", "3", "partitions of the topic when it is created")
            .add("replication-factor", "KAFKA_REPLICATION_FACTOR", "1", "copies of each partition when the topic is created")
            .add("count", "MESSAGE_COUNT", "1", "how many records to send; with more than one, values are numbered")
            .add("message", "MESSAGE_BODY", "Hello Kafka!", "the record value")
            .add("key", "KAFKA_KEY", null, "key of every record; none = key-1, key-2, ... (one per record)")
            .add("size", "MESSAGE_SIZE", "0", "pad each value to this many bytes; 0 = the value as it is")
            .add("rate", "MESSAGE_RATE", "0", "records per second; 0 = as fast as the producer batches")
            .add("log-messages", "LOG_MESSAGES", "true", "a line per record; false = a progress line each second"
                    + " (for long runs)")
            .add("interval", "KAFKA_SEND_INTERVAL", "0ms", "pause between two records, e.g. 100ms: a slow stream to watch")
            .add("linger-ms", "KAFKA_LINGER_MS", "5", "linger.ms: how long a batch waits for more records before it is sent")
            .add("batch-size", "KAFKA_BATCH_SIZE", "65536", "batch.size: the most bytes of records per partition in one batch")
            .add("compression", "KAFKA_COMPRESSION", "none", "compression.type: none, gzip, snappy, lz4 or zstd")
            .add("delivery-timeout", "KAFKA_DELIVERY_TIMEOUT", "30s", "delivery.timeout.ms: how long a send may take, retries included")
            .add("threads", "KAFKA_PRODUCER_THREADS", "1", "threads sending at once, sharing one producer, the record"
                    + " numbers and --rate"));

    private KafkaProducerApp() {
    }

    public static void main(String[] args) {
        Cli.main(SETTINGS, args, values -> {
            KafkaProducerConfig config = config(values);
            // A refused login, TLS handshake or permission: one line that names the setting to fix.
            return KafkaErrors.explaining(config.bootstrapServers(), config.client(), "write to",
                    () -> new KafkaProducerExample(config).send().allAcknowledged() ? 0 : 1);
        });
    }

    static KafkaProducerConfig config(Values v) {
        Duration interval = v.duration("interval");
        int lingerMs = v.integer("linger-ms", 0, 60_000);
        Duration deliveryTimeout = v.duration("delivery-timeout");
        // The client refuses a delivery timeout shorter than linger.ms plus one request; say so here, by name.
        if (deliveryTimeout.toMillis() < lingerMs + KafkaProducerExample.MIN_REQUEST_TIMEOUT_MS
                || deliveryTimeout.toMillis() > Integer.MAX_VALUE) {
            throw v.invalid("delivery-timeout", "at least --linger-ms + "
                    + KafkaProducerExample.MIN_REQUEST_TIMEOUT_MS + "ms");
        }
        int threads = v.integer("threads", 1, 1_000);
        // --interval spaces the records of one sender; several threads would each pause, and the stream would not
        // be what the flag says. --rate paces them together.
        if (threads > 1 && !interval.isZero()) {
            throw v.invalid("threads", "1 with --interval (use --rate to pace several threads)");
        }
        return KafkaProducerConfig.builder(v.string("bootstrap-servers"), v.string("topic"))
                .partitions(v.integer("partitions", 1, 10_000))
                .replicationFactor((short) v.integer("replication-factor", 1, Short.MAX_VALUE))
                .count(v.integer("count", 1, Integer.MAX_VALUE))
                .message(v.string("message"))
                .key(v.optional("key").filter(k -> !k.isEmpty()).orElse(null))
                .interval(interval)
                .lingerMs(lingerMs)
                .batchSize(v.integer("batch-size", 0, 64 * 1024 * 1024))
                .compression(v.choice("compression", Compression.class))
                .deliveryTimeout(deliveryTimeout)
                .size(v.integer("size", 0, 64 * 1024 * 1024))
                .rate(v.integer("rate", 0, Integer.MAX_VALUE))
                .logMessages(v.bool("log-messages"))
                .threads(threads)
                .client(KafkaClientConfig.from(v, Log.forProgram("kafka-producer")))
                .build();
    }
}
