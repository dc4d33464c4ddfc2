package io.github.mqexamples.kafka.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.mqexamples.common.Throughput;
import io.github.mqexamples.common.kafka.KafkaDelivery;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class RetryHeadersTest {

    static Headers headers(String... namesAndValues) {
        Headers h = new RecordHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            h.add(namesAndValues[i], namesAndValues[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return h;
    }

    @Test
    void aRecordAsTheProducerSentItIsAFirstAttemptDueNow() {
        RetryHeaders.Read read = RetryHeaders.Read.from(headers(KafkaDelivery.MESSAGE_ID_HEADER, "id-1",
                Throughput.SENT_AT_HEADER, "123"));
        assertEquals("id-1", read.messageId());
        assertEquals(1, read.attempt());
        assertEquals(0, read.dueAt());
        assertEquals(123, read.sentAtMicros());
        assertEquals("", read.ofAttempts(3));
    }

    @Test
    void aRetryCopySaysWhichAttemptAndWhenItIsDue() {
        RetryHeaders.Read read = RetryHeaders.Read.from(headers(RetryHeaders.ATTEMPT, "2", RetryHeaders.DUE_AT, "99"));
        assertEquals(2, read.attempt());
        assertEquals(99, read.dueAt());
        assertEquals(" (attempt 2 of 3)", read.ofAttempts(3));
    }

    @Test
    void theLastHeaderOfANameWins() {
        assertEquals(3, RetryHeaders.Read.from(headers(RetryHeaders.ATTEMPT, "2", RetryHeaders.ATTEMPT, "3")).attempt());
    }

    @Test
    void aHeaderSomeoneElseWroteBadlyCountsAsAbsent() {
        RetryHeaders.Read read = RetryHeaders.Read.from(headers(RetryHeaders.ATTEMPT, "two", RetryHeaders.DUE_AT, ""));
        assertEquals(1, read.attempt());
        assertEquals(0, read.dueAt());
        assertEquals(1, RetryHeaders.Read.from(headers(RetryHeaders.ATTEMPT, "-5")).attempt(), "never below 1");
        assertEquals(Integer.MAX_VALUE, RetryHeaders.Read.from(headers(RetryHeaders.ATTEMPT, "99999999999")).attempt());
    }

    @Test
    void setReplacesAndTheGettersReadIt() {
        Headers h = headers(RetryHeaders.ATTEMPT, "2");
        RetryHeaders.set(h, RetryHeaders.ATTEMPT, 3);
        assertEquals(1, h.toArray().length, "one header, not two of the same name");
        assertEquals(3, RetryHeaders.number(h, RetryHeaders.ATTEMPT, 1));
        assertEquals("3", RetryHeaders.text(h, RetryHeaders.ATTEMPT));
        assertEquals(7, RetryHeaders.number(h, "absent", 7));
    }
}
