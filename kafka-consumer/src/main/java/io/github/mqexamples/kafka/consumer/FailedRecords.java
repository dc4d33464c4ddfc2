package io.github.mqexamples.kafka.consumer;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Hands a record that failed on to {@code <topic>.retry} (to be tried again after the delay) or, once out of
 * attempts, to {@code <topic>.dlt} (for a person to look at). The original key and value bytes are kept as they
 * were, so a dead letter can be inspected, fixed and re-sent.
 *
 * <p>Each hand-over waits for the cluster's acknowledgement before the consumer commits the failed record's
 * offset: if the hand-over fails, nothing is committed and the record is read again. Nothing is lost in between.
 */
final class FailedRecords implements AutoCloseable {

    /** Where a failed record went. */
    enum Outcome { RETRY, DEAD_LETTER }

    private final String retryTopic;
    private final String deadLetterTopic;
    private final int maxAttempts;
    private final Duration retryDelay;
    private final KafkaProducer<String, byte[]> producer;

    FailedRecords(String bootstrapServers, String topic, int maxAttempts, Duration retryDelay) {
        this.retryTopic = retryTopic(topic);
        this.deadLetterTopic = deadLetterTopic(topic);
        this.maxAttempts = maxAttempts;
        this.retryDelay = retryDelay;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "kafka-consumer-failures");
        // The same guarantees as the main producer: a retry or dead letter, once acknowledged, is not lost,
        // and the producer's own retries do not write it twice.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000); // must fit in the delivery timeout
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        this.producer = new KafkaProducer<>(props);
    }

    static String retryTopic(String topic) {
        return topic + ".retry";
    }

    static String deadLetterTopic(String topic) {
        return topic + ".dlt";
    }

    /**
     * Sends the failed {@code attempt} of {@code record} to the retry topic, or to the dead-letter topic when
     * it was the last attempt (or when retrying cannot help, {@code retriable} false).
     */
    Outcome handOver(ConsumerRecord<String, byte[]> record, int attempt, Exception failure, boolean retriable)
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
        if (retriable && attempt < maxAttempts) {
            outcome = Outcome.RETRY;
            target = retryTopic;
            RetryHeaders.set(headers, RetryHeaders.ATTEMPT, attempt + 1);
            RetryHeaders.set(headers, RetryHeaders.DUE_AT, System.currentTimeMillis() + retryDelay.toMillis());
        } else {
            outcome = Outcome.DEAD_LETTER;
            target = deadLetterTopic;
            headers.remove(RetryHeaders.ATTEMPT);
            headers.remove(RetryHeaders.DUE_AT);
            RetryHeaders.set(headers, RetryHeaders.ATTEMPTS, attempt);
        }
        // Same key: the copy lands in the partition of the retry/dead-letter topic its key maps to.
        producer.send(new ProducerRecord<>(target, null, record.key(), record.value(), headers)).get();
        return outcome;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
