package io.github.mqexamples.kafka.producer;

import io.github.mqexamples.common.ProducerConfigBuilder;
import io.github.mqexamples.common.kafka.KafkaClientConfig;
import java.time.Duration;

/**
 * What the producer is set to do: one field per setting of {@link KafkaProducerApp}. Built by name, for instance
 * {@code KafkaProducerConfig.builder(servers, topic).partitions(1).count(10).build()}; what is not named keeps the
 * program's default (KafkaProducerConfigTest checks that the builder and the flags agree).
 *
 * @param key null = a different key per record (key-1, key-2, ...)
 * @param client --client-config and --client-property: for every client the producer makes
 */
public record KafkaProducerConfig(String bootstrapServers, String topic, int partitions, short replicationFactor,
                                  int count, String message, String key, Duration interval, int lingerMs,
                                  int batchSize, Compression compression, Duration deliveryTimeout, int size, int rate,
                                  boolean logMessages, int threads, KafkaClientConfig client) {

    public static Builder builder(String bootstrapServers, String topic) {
        return new Builder(bootstrapServers, topic);
    }

    /** The program's defaults, until a setter says otherwise (those both producers have: ProducerConfigBuilder). */
    public static final class Builder extends ProducerConfigBuilder<Builder> {
        private final String bootstrapServers;
        private final String topic;
        private int partitions = 3;
        private short replicationFactor = 1;
        private String key;
        private Duration interval = Duration.ZERO;
        private int lingerMs = 5;
        private int batchSize = 65_536;
        private Compression compression = Compression.NONE;
        private Duration deliveryTimeout = Duration.ofSeconds(30);
        private int threads = 1;
        private KafkaClientConfig client = KafkaClientConfig.NONE;

        private Builder(String bootstrapServers, String topic) {
            super("Hello Kafka!");
            this.bootstrapServers = bootstrapServers;
            this.topic = topic;
        }

        /** --partitions: partitions of the topic when it is created. */
        public Builder partitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        /** --replication-factor: copies of each partition when the topic is created. */
        public Builder replicationFactor(short replicationFactor) {
            this.replicationFactor = replicationFactor;
            return this;
        }

        /** --key: the key of every record; null = key-1, key-2, ... */
        public Builder key(String key) {
            this.key = key;
            return this;
        }

        /** --interval: pause between two records (zero: as fast as the producer batches). */
        public Builder interval(Duration interval) {
            this.interval = interval;
            return this;
        }

        /** --linger-ms: linger.ms, how long a batch waits for more records. */
        public Builder lingerMs(int lingerMs) {
            this.lingerMs = lingerMs;
            return this;
        }

        /** --batch-size: batch.size, the most bytes of one partition's batch. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** --compression: compression.type of the batches. */
        public Builder compression(Compression compression) {
            this.compression = compression;
            return this;
        }

        /** --delivery-timeout: delivery.timeout.ms, how long a send may take, retries included. */
        public Builder deliveryTimeout(Duration deliveryTimeout) {
            this.deliveryTimeout = deliveryTimeout;
            return this;
        }

        /** --threads: threads sending at once through the one producer. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** --client-config, --client-property: security.protocol, sasl.*, ssl.* for every client. */
        public Builder client(KafkaClientConfig client) {
            this.client = client;
            return this;
        }

        public KafkaProducerConfig build() {
            return new KafkaProducerConfig(bootstrapServers, topic, partitions, replicationFactor, count, message, key,
                    interval, lingerMs, batchSize, compression, deliveryTimeout, size, rate, logMessages, threads,
                    client);
        }
    }
}
