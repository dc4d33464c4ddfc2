package io.github.mqexamples.rabbitmq.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import io.github.mqexamples.common.Log;
import io.github.mqexamples.common.rabbitmq.AmqpUrl;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class RetryOrDeadLetterTest {

    static final QueueSpec ORDERS = new QueueSpec("orders", true, "quorum");
    static final Exception BOOM = new IllegalStateException("boom");

    final RecordingChannel forwarding = new RecordingChannel();

    static RetryOrDeadLetter retry(RetryMode mode, int maxAttempts) {
        return new RetryOrDeadLetter(ConsumerConfig.builder(new AmqpUrl("amqp://localhost/"), ORDERS).retry(mode)
                .maxAttempts(maxAttempts).retryDelay(Duration.ofSeconds(2)).build(), Log.forProgram("test"));
    }

    /** A delivery as the producer sends it: a message id, persistent, its send time in a header. */
    static Delivery delivery() {
        return new Delivery(new Envelope(7, false, "", "orders"), new AMQP.BasicProperties.Builder()
                .messageId("order-42").deliveryMode(2).headers(Map.of("x-sent-at-micros", 123L)).build(),
                "order 42 paid".getBytes(StandardCharsets.UTF_8));
    }

    /** The one copy published on the forwarding channel: its queue, properties and body. */
    record Copy(String exchange, String queue, AMQP.BasicProperties properties, byte[] body) {
        Map<String, Object> headers() {
            return properties.getHeaders();
        }
    }

    Copy theCopy() {
        List<RecordingChannel.Call> published = forwarding.calls("basicPublish");
        assertEquals(1, published.size(), "one copy: " + forwarding.methods());
        RecordingChannel.Call p = published.get(0);
        assertEquals(List.of("basicPublish", "waitForConfirmsOrDie"), forwarding.methods(),
                "the copy is confirmed before the original may be acked");
        return new Copy((String) p.arg(0), (String) p.arg(1), (AMQP.BasicProperties) p.arg(2), (byte[]) p.arg(3));
    }

    /** The copy is the message: same body, id and delivery mode, and the headers it came with. */
    static void assertSameMessage(Copy copy) {
        assertEquals("order 42 paid", new String(copy.body(), StandardCharsets.UTF_8));
        assertEquals("order-42", copy.properties().getMessageId());
        assertEquals(2, copy.properties().getDeliveryMode());
        assertEquals(123L, copy.headers().get("x-sent-at-micros"));
    }

    @Test
    void aDelayedRetryParksACopyInTheRetryQueueWithTheFailedAttemptAndTheDelay() throws Exception {
        RetryOrDeadLetter retry = retry(RetryMode.DELAYED, 3);
        assertEquals(RetryOrDeadLetter.Outcome.FORWARDED, retry.failed(forwarding.channel, delivery(), "order 42 paid",
                1, BOOM));
        Copy copy = theCopy();
        assertEquals("", copy.exchange(), "the default exchange routes to the queue named by the routing key");
        assertEquals("orders.retry", copy.queue());
        assertEquals("2000", copy.properties().getExpiration(), "it waits there --retry-delay, in milliseconds");
        assertEquals(1, copy.headers().get(RetryOrDeadLetter.RETRY_ATTEMPT));
        assertSameMessage(copy);
        assertEquals(1, retry.retried());
    }

    @Test
    void afterTheLastAttemptTheCopyGoesToTheDeadLetterQueueSayingWhatWentWrong() throws Exception {
        RetryOrDeadLetter retry = retry(RetryMode.DELAYED, 3);
        assertEquals(RetryOrDeadLetter.Outcome.FORWARDED, retry.failed(forwarding.channel, delivery(), "order 42 paid",
                3, BOOM));
        Copy copy = theCopy();
        assertEquals("orders.dlq", copy.queue());
        assertNull(copy.properties().getExpiration(), "it stays until someone looks at it");
        assertEquals("IllegalStateException: boom", copy.headers().get(RetryOrDeadLetter.LAST_ERROR));
        assertEquals(3, copy.headers().get(RetryOrDeadLetter.ATTEMPTS));
        assertEquals("orders", copy.headers().get(RetryOrDeadLetter.ORIGINAL_QUEUE));
        assertSameMessage(copy);
        assertEquals(0, retry.retried());
    }

    @Test
    void requeueSendsNoCopyUntilTheLastAttempt() throws Exception {
        RetryOrDeadLetter retry = retry(RetryMode.REQUEUE, 3);
        assertEquals(RetryOrDeadLetter.Outcome.REQUEUE, retry.failed(forwarding.channel, delivery(), "b", 2, BOOM));
        assertTrue(forwarding.calls.isEmpty(), "the consumer nacks it back into the queue itself");
        assertEquals(1, retry.retried());

        assertEquals(RetryOrDeadLetter.Outcome.FORWARDED, retry.failed(forwarding.channel, delivery(), "b", 3, BOOM));
        assertEquals("orders.dlq", theCopy().queue());
    }

    @Test
    void withRetryNoneTheFirstFailureIsDeadLettered() throws Exception {
        retry(RetryMode.NONE, 3).failed(forwarding.channel, delivery(), "b", 1, BOOM);
        Copy copy = theCopy();
        assertEquals("orders.dlq", copy.queue());
        assertEquals(1, copy.headers().get(RetryOrDeadLetter.ATTEMPTS));
    }

    @Test
    void aCopyTheBrokerDoesNotConfirmFailsTheHandlingSoTheOriginalIsNotAcked() {
        forwarding.confirmFailure = new TimeoutException("no confirm");
        IOException e = assertThrows(IOException.class,
                () -> retry(RetryMode.DELAYED, 3).failed(forwarding.channel, delivery(), "b", 1, BOOM));
        assertEquals("no confirm for the copy sent to orders.retry", e.getMessage());
    }

    @Test
    void theRetryQueueSendsAnExpiredCopyBackToTheQueue() {
        retry(RetryMode.DELAYED, 3).declareQueues(forwarding.channel);
        List<RecordingChannel.Call> declared = forwarding.calls("queueDeclare");
        assertEquals(List.of("orders.dlq", "orders.retry"), declared.stream().map(c -> c.arg(0)).toList());
        // Next to a quorum queue, both are quorum queues: replicated like it, so that in a cluster a message that
        // failed survives the loss of a node as the original would have. The retry queue hands expired copies back
        // at-least-once (which RabbitMQ allows only with reject-publish), not at-most-once, the default.
        assertEquals(Map.of("x-queue-type", "quorum"), declared.get(0).arg(4));
        assertEquals(Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", "orders",
                "x-queue-type", "quorum", "x-dead-letter-strategy", "at-least-once", "x-overflow", "reject-publish"),
                declared.get(1).arg(4));

        RecordingChannel classic = new RecordingChannel();
        new RetryOrDeadLetter(ConsumerConfig.builder(new AmqpUrl("amqp://localhost/"), new QueueSpec("orders", true,
                "classic")).retry(RetryMode.DELAYED).build(), Log.forProgram("test")).declareQueues(classic.channel);
        assertEquals(Map.of(), classic.calls("queueDeclare").get(0).arg(4));
        assertEquals(Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", "orders"),
                classic.calls("queueDeclare").get(1).arg(4));

        RecordingChannel withoutRetryQueue = new RecordingChannel();
        retry(RetryMode.REQUEUE, 3).declareQueues(withoutRetryQueue.channel);
        assertEquals(List.of("orders.dlq"),
                withoutRetryQueue.calls("queueDeclare").stream().map(c -> c.arg(0)).toList());
    }

    @Test
    void theConsumersFirstLineNamesTheRetryMode() {
        assertEquals("delayed up to 3 attempts", retry(RetryMode.DELAYED, 3).toString());
        assertEquals("requeue up to 5 attempts", retry(RetryMode.REQUEUE, 5).toString());
        assertEquals("none", retry(RetryMode.NONE, 3).toString());
    }
}
