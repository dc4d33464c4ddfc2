package io.github.mqexamples.kafka.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.common.Log;
import java.nio.charset.CharacterCodingException;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Where a failed record goes, and the attempt count and coordinates its copy carries (a fake producer). */
class FailedRecordsTest {

    final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
    final FailedRecords failed = new FailedRecords(KafkaConsumerConfig.builder("unused:9092", "orders", "g")
            .maxAttempts(3).retryDelay(Duration.ofSeconds(5)).build(), Log.forProgram("test"), () -> producer);

    static ConsumerRecord<String, byte[]> record(String topic, long offset, Headers carried) {
        ConsumerRecord<String, byte[]> r = new ConsumerRecord<>(topic, 1, offset, "key-7", new byte[] {'x'});
        carried.forEach(h -> r.headers().add(h));
        return r;
    }

    ProducerRecord<String, byte[]> sent() {
        return producer.history().get(producer.history().size() - 1);
    }

    @Test
    void aFirstFailureGoesToTheRetryTopicAsAttemptTwoDueAfterTheDelay() throws Exception {
        long before = System.currentTimeMillis();
        assertEquals(FailedRecords.Outcome.RETRY, failed.failed(record("orders", 42, RetryHeadersTest.headers()), 1,
                new IllegalStateException("boom")));
        ProducerRecord<String, byte[]> copy = sent();
        assertEquals("orders.retry", copy.topic());
        assertEquals("key-7", copy.key(), "same key: the same partition of the retry topic, in order");
        RetryHeaders.Read read = RetryHeaders.Read.from(copy.headers());
        assertEquals(2, read.attempt());
        assertTrue(read.dueAt() >= before + 5_000 && read.dueAt() <= System.currentTimeMillis() + 5_000);
        assertEquals("orders", RetryHeaders.text(copy.headers(), RetryHeaders.ORIGINAL_TOPIC));
        assertEquals("1", RetryHeaders.text(copy.headers(), RetryHeaders.ORIGINAL_PARTITION));
        assertEquals("42", RetryHeaders.text(copy.headers(), RetryHeaders.ORIGINAL_OFFSET));
        assertEquals("boom", RetryHeaders.text(copy.headers(), RetryHeaders.EXCEPTION_MESSAGE));
    }

    @Test
    void theOriginalCoordinatesAreKeptThroughEveryRetry() throws Exception {
        failed.failed(record("orders", 42, RetryHeadersTest.headers()), 1, new IllegalStateException("boom"));
        failed.failed(record("orders.retry", 0, sent().headers()), 2, new IllegalStateException("again"));
        assertEquals("42", RetryHeaders.text(sent().headers(), RetryHeaders.ORIGINAL_OFFSET));
        assertEquals("orders", RetryHeaders.text(sent().headers(), RetryHeaders.ORIGINAL_TOPIC));
        assertEquals(3, RetryHeaders.Read.from(sent().headers()).attempt());
    }

    @Test
    void theLastAttemptGoesToTheDeadLetterTopicWithTheCountAndWithoutRetryHeaders() throws Exception {
        Headers third = RetryHeadersTest.headers(RetryHeaders.ATTEMPT, "3", RetryHeaders.DUE_AT, "1");
        assertEquals(FailedRecords.Outcome.DEAD_LETTER, failed.failed(record("orders.retry", 5, third), 3,
                new IllegalStateException("still")));
        assertEquals("orders.dlt", sent().topic());
        assertEquals("3", RetryHeaders.text(sent().headers(), RetryHeaders.ATTEMPTS));
        assertNull(RetryHeaders.text(sent().headers(), RetryHeaders.ATTEMPT));
        assertNull(RetryHeaders.text(sent().headers(), RetryHeaders.DUE_AT));
        assertEquals("java.lang.IllegalStateException", RetryHeaders.text(sent().headers(), RetryHeaders.EXCEPTION_CLASS));
    }

    @Test
    void anUndecodableValueIsDeadLetteredAtOnce() throws Exception {
        failed.undecodable(record("orders", 4, RetryHeadersTest.headers()), 1, new CharacterCodingException());
        assertEquals("orders.dlt", sent().topic());
        assertEquals("1", RetryHeaders.text(sent().headers(), RetryHeaders.ATTEMPTS));
    }

    @Test
    void theFailuresProducerIsIdempotentWithAcksAll() {
        var props = FailedRecords.producerProperties("k:9092", io.github.mqexamples.common.kafka.KafkaClientConfig.NONE);
        assertEquals("all", props.get("acks"));
        assertEquals(true, props.get("enable.idempotence"));
    }
}
