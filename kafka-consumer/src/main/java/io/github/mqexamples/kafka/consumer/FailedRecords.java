package io.github.mqexamples.kafka.consumer;

import io.github.mqexamples.common.kafka.KafkaClientConfig;
import io.github.mqexamples.common.kafka.KafkaDelivery;
import io.github.mqexamples.common.kafka.KafkaTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;

/**
 * Hands a record that failed on to {@code <topic>.retry} (to be tried again after the delay) or, once out of
 * attempts, to {@code <topic>.dlt} (for a person to look at). The original key and value bytes are kept as they
 * were, so a dead letter can be inspected, fixed and re-sent. Kafka has no broker-side retry for consumer groups:
 * the attempt count travels in the record's {@link RetryHeaders}.
 *
 * <p>Each hand-over waits for the cluster's acknowledgement before the consumer commits the failed record's
 * offset: if the hand-over fails, nothing is committed and the record is read again. Nothing is lost in between.
 */
final class FailedRecords implements AutoCloseable {

    /** Where a failed record went. */
    enum Outcome { RETRY, DEAD_LETTER }

    private final KafkaConsumerConfig config;
    private final Logger log;
    private final Supplier<Producer<String, byte[]>> newProducer;
    /** Made at the first failure: a run in which nothing fails starts no producer (no thread, no connections). */
    private Producer<String, byte[]> producer;

    FailedRecords(KafkaConsumerConfig config, Logger log) {
        this(config, log, () -> new KafkaProducer<>(producerProperties(config.bootstrapServers(), config.client())));
    }

    /** With another producer: a MockProducer in the unit test. */
    FailedRecords(KafkaConsumerConfig config, Logger log, Supplier<Producer<String, byte[]>> newProducer) {
        this.config = config;
        this.log = log;
        this.newProducer = newProducer;
    }

    /** The producer for .retry and .dlt; the members of a process share it (a KafkaProducer is thread-safe). */
    private synchronized Producer<String, byte[]> producer() {
        if (producer == null) {
            producer = newProducer.get();
        }
        return producer;
    }

    static Properties producerProperties(String bootstrapServers, KafkaClientConfig client) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "kafka-consumer-failures");
        // The same guarantees as the main producer: a retry or dead letter, once acknowledged, is not lost,
        // and the producer's own retries do not write it twice.
        KafkaDelivery.acksAllIdempotent(props);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000); // must fit in the delivery timeout
        // send() may wait for metadata while the broker is away: as long as a delivery may take, not a shorter cut.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        return client.applyTo(props, KafkaClientConfig.Client.PRODUCER); // the same login as the consumer's
    }

    static String retryTopic(String topic) {
        return topic + ".retry";
    }

    static String deadLetterTopic(String topic) {
        return topic + ".dlt";
    }

    /**
     * Checks that the cluster answers, and creates {@code <topic>.retry} and {@code <topic>.dlt} with the
     * partitions and replication of the main topic. Returns the topics to subscribe to.
     */
    static List<String> createTopics(KafkaConsumerConfig config) throws InterruptedException {
        try (Admin admin = KafkaTopics.admin(config.bootstrapServers(), config.client())) {
            int brokers = KafkaTopics.brokers(admin, config.bootstrapServers(), config.client());
            TopicDescription main = KafkaTopics.describe(admin, config.topic()).orElse(null);
            int partitions = main == null ? 3 : main.partitions().size();
            // As many copies as the main topic has, if that many brokers are up right now.
            short replication = (short) Math.min(brokers, main == null ? 1 : main.partitions().get(0).replicas().size());
            String retry = retryTopic(config.topic());
            KafkaTopics.createIfMissing(admin, config.bootstrapServers(), config.client(),
                    List.of(retry, deadLetterTopic(config.topic())), partitions, replication, Map.of());
            // With a single attempt nothing is ever retried: the retry topic is not read.
            return config.maxAttempts() > 1 ? List.of(config.topic(), retry) : List.of(config.topic());
        }
    }

    /** Processing {@code attempt} of {@code record} threw {@code failure}: to .retry, or .dlt when out of attempts. */
    Outcome failed(ConsumerRecord<String, byte[]> record, int attempt, Exception failure)
            throws InterruptedException, ExecutionException {
        Outcome outcome = handOver(record, attempt, failure, true);
        if (outcome == Outcome.RETRY) {
            log.warn("attempt {} of {} failed: {}; retrying in {} ms via {}", attempt, config.maxAttempts(),
                    failure.getMessage(), config.retryDelay().toMillis(), retryTopic(config.topic()));
        } else {
            log.warn("attempt {} of {} failed: {}; dead-lettered to {}", attempt, config.maxAttempts(),
                    failure.getMessage(), deadLetterTopic(config.topic()));
        }
        return outcome;
    }

    /** The value of {@code record} is not UTF-8 text: straight to .dlt, as retrying cannot make it decodable. */
    void undecodable(ConsumerRecord<String, byte[]> record, int attempt, Exception failure)
            throws InterruptedException, ExecutionException {
        log.warn("received topic={} partition={} offset={} key={}: value is not UTF-8 text ({} bytes)",
                record.topic(), record.partition(), record.offset(), record.key(), record.value().length);
        handOver(record, attempt, failure, false);
        log.warn("dead-lettered to {} (cannot be decoded): {}", deadLetterTopic(config.topic()), failure);
    }

    /**
     * Sends the failed {@code attempt} of {@code record} to the retry topic, or to the dead-letter topic when
     * it was the last attempt (or when retrying cannot help, {@code retriable} false).
     */
    private Outcome handOver(ConsumerRecord<String, byte[]> record, int attempt, Exception failure, boolean retriable)
            throws InterruptedException, ExecutionException {
        Headers headers = new RecordHeaders(record.headers().toArray());
        // The original coordinates are written once, on the first failure, and then carried along.
        if (headers.lastHeader(RetryHeaders.ORIGINAL_TOPIC) == null) {
            RetryHeaders.set(headers, RetryHeaders.ORIGINAL_TOPIC, record.topic());
            RetryHeaders.set(headers, RetryHeaders.ORIGINAL_PARTITION, record.partition());
            RetryHeaders.set(headers, RetryHeaders.ORIGINAL_OFFSET, record.offset());
        }
        RetryHeaders.set(headers, RetryHeaders.EXCEPTION_CLASS, failure.getClass().getName());
        RetryHeaders.set(headers, RetryHeaders.EXCEPTION_MESSAGE, String.valueOf(failure.getMessage()));
        Outcome outcome;
        String target;
        if (retriable && attempt < config.maxAttempts()) {
            outcome = Outcome.RETRY;
            target = retryTopic(config.topic());
            RetryHeaders.set(headers, RetryHeaders.ATTEMPT, attempt + 1);
            RetryHeaders.set(headers, RetryHeaders.DUE_AT, System.currentTimeMillis() + config.retryDelay().toMillis());
        } else {
            outcome = Outcome.DEAD_LETTER;
            target = deadLetterTopic(config.topic());
            headers.remove(RetryHeaders.ATTEMPT);
            headers.remove(RetryHeaders.DUE_AT);
            RetryHeaders.set(headers, RetryHeaders.ATTEMPTS, attempt);
        }
        // Same key: the copy lands in the partition of the retry/dead-letter topic its key maps to.
        producer().send(new ProducerRecord<>(target, null, record.key(), record.value(), headers)).get();
        return outcome;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
