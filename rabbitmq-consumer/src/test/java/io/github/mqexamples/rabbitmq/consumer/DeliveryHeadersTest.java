package io.github.mqexamples.rabbitmq.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryHeadersTest {

    static Delivery delivery(Map<String, Object> headers) {
        return new Delivery(new Envelope(1, false, "", "orders"),
                new AMQP.BasicProperties.Builder().headers(headers).build(), new byte[0]);
    }

    /** One entry of the x-death header, as the broker writes it when it dead-letters a message. */
    static Map<String, Object> death(String queue, String reason, long count) {
        return Map.of("queue", queue, "reason", reason, "count", count, "exchange", "");
    }

    @Test
    void aFirstDeliveryIsAttempt1() {
        assertEquals(1, DeliveryHeaders.attempt(delivery(null)));
        assertEquals(1, DeliveryHeaders.attempt(delivery(Map.of())));
    }

    @Test
    void withRequeueTheQuorumQueuesDeliveryCountTellsTheAttempt() {
        // x-delivery-count: how many times the queue has taken the message back (0 on the first delivery).
        assertEquals(1, DeliveryHeaders.attempt(delivery(Map.of("x-delivery-count", 0L))));
        assertEquals(3, DeliveryHeaders.attempt(delivery(Map.of("x-delivery-count", 2L))));
    }

    @Test
    void withDelayedRetryEachTripThroughTheRetryQueueCounts() {
        // Two expiries in orders.retry, each time sent back to orders: this is the third attempt.
        assertEquals(3, DeliveryHeaders.attempt(delivery(Map.of("x-death",
                List.of(death("orders.retry", "expired", 2))))));
    }

    @Test
    void onlyExpiriesFromARetryQueueCount() {
        // Rejected from the main queue, or expired from a queue that is not a .retry queue: not a retry trip.
        assertEquals(1, DeliveryHeaders.attempt(delivery(Map.of("x-death", List.of(death("orders", "rejected", 4),
                death("orders.slow", "expired", 5), death("orders.retry", "maxlen", 6))))));
    }

    @Test
    void theRetryAttemptHeaderCountsWhereTheBrokerKeptNoDeathRecord() {
        // The consumer puts the failed attempt on the copy it sends to the retry queue.
        assertEquals(2, DeliveryHeaders.attempt(delivery(Map.of(RetryOrDeadLetter.RETRY_ATTEMPT, 1))));
    }

    @Test
    void theHighestCountWins() {
        Map<String, Object> headers = new HashMap<>();
        headers.put("x-delivery-count", 1L);
        headers.put(RetryOrDeadLetter.RETRY_ATTEMPT, 2);
        headers.put("x-death", List.of(death("orders.retry", "expired", 3)));
        assertEquals(4, DeliveryHeaders.attempt(delivery(headers)));
    }

    @Test
    void theSendTimeIsTheProducersHeaderOrUnknown() {
        assertEquals(1_700_000_000_000_000L,
                DeliveryHeaders.sentAt(delivery(Map.of("x-sent-at-micros", 1_700_000_000_000_000L))));
        assertEquals(0, DeliveryHeaders.sentAt(delivery(null)));
        assertEquals(0, DeliveryHeaders.sentAt(delivery(Map.of("x-sent-at-micros", "yesterday"))));
    }
}
