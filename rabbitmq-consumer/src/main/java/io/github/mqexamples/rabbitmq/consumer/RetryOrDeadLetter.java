package io.github.mqexamples.rabbitmq.consumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/**
 * Where a message whose processing failed goes, so that it is never dropped and never loops forever. With attempts
 * left: back into the queue at once ({@link RetryMode#REQUEUE}), or into {@code <queue>.retry} until its delay
 * expires ({@link RetryMode#DELAYED}). After the last attempt (at once with {@link RetryMode#NONE}): into
 * {@code <queue>.dlq}, with headers that say what went wrong.
 *
 * <p>A copy sent to the retry or dead-letter queue is confirmed by the broker before the consumer acks the
 * original: a crash in between leaves two copies (de-duplication skips one), never none.
 */
public final class RetryOrDeadLetter {

    /** Headers of a dead-lettered message, telling what went wrong. */
    public static final String LAST_ERROR = "x-last-error";
    public static final String ATTEMPTS = "x-attempts";
    public static final String ORIGINAL_QUEUE = "x-original-queue";
    /** Set on a copy sent to the retry queue: the attempt that failed (see {@link DeliveryHeaders#attempt}). */
    public static final String RETRY_ATTEMPT = "x-retry-attempt";

    /** What the consumer does with the failed delivery itself. */
    enum Outcome {
        /** Nack it with requeue=true: the broker puts it back into the queue. */
        REQUEUE,
        /** Nack it with requeue=false: the broker drops it (a server-named queue has nowhere to forward it). */
        DROP,
        /** Ack it: its copy is in the retry or dead-letter queue, confirmed by the broker. */
        FORWARDED
    }

    private final ConsumerConfig config;
    private final Logger log;
    private final AtomicInteger retried = new AtomicInteger();

    RetryOrDeadLetter(ConsumerConfig config, Logger log) {
        this.config = config;
        this.log = log;
    }

    /**
     * Declares the queues failed messages go to: {@code <queue>.dlq}, and for {@link RetryMode#DELAYED}
     * {@code <queue>.retry}, where a copy waits until its expiration; the broker then dead-letters it back to the
     * main queue through the default exchange: a delay that does not hold up the other messages.
     */
    void declareQueues(Channel channel) {
        QueueSpec queue = config.queue();
        if (queue.name().isEmpty()) {
            return; // a server-named queue: see failed()
        }
        queue.declareDeadLetterQueue(channel);
        if (config.retry() == RetryMode.DELAYED) {
            queue.declareRetryQueue(channel);
        }
    }

    /** Attempt {@code attempt} failed with {@code error}; a copy goes out on {@code forwarding}, in confirm mode. */
    Outcome failed(Channel forwarding, Delivery delivery, String body, int attempt, Exception error)
            throws IOException {
        String reason = error.getClass().getSimpleName() + ": " + error.getMessage();
        if (config.queue().name().isEmpty()) {
            // A server-named queue is a listener's: it has no name to give <queue>.retry and <queue>.dlq, and is
            // gone when the consumer stops anyway. The failure is logged and the message dropped.
            log.error("'{}' failed ({}): dropped, a server-named queue has no dead-letter queue", body, reason);
            return Outcome.DROP;
        }
        boolean attemptsLeft = attempt < config.maxAttempts() && config.retry() != RetryMode.NONE;
        if (attemptsLeft && config.retry() == RetryMode.REQUEUE) {
            // The simplest retry. The quorum queue's delivery limit (x-delivery-limit) stops the message even if
            // a consumer never gets this far, e.g. because it crashes on it.
            retried.incrementAndGet();
            log.warn("attempt {} of {} failed for '{}' ({}): requeued", attempt, config.maxAttempts(), body, reason);
            return Outcome.REQUEUE;
        }
        if (attemptsLeft) {
            // A copy waits in <queue>.retry with an expiration; the broker returns it to the queue when it
            // expires. Meanwhile the other messages keep flowing.
            retried.incrementAndGet();
            log.warn("attempt {} of {} failed for '{}' ({}): retrying in {} ms", attempt, config.maxAttempts(), body,
                    reason, config.retryDelay().toMillis());
            forward(forwarding, config.queue().retryQueue(), delivery, retryHeaders(delivery, attempt),
                    String.valueOf(config.retryDelay().toMillis()));
        } else {
            log.error("'{}' failed {} time(s), last with {}: moved to {}", body, attempt, reason,
                    config.queue().deadLetterQueue());
            forward(forwarding, config.queue().deadLetterQueue(), delivery,
                    deadLetterHeaders(delivery, attempt, reason, config.queue().name()), null);
        }
        return Outcome.FORWARDED;
    }

    /** For the consumer's first line: "none", or e.g. "delayed up to 3 attempts". */
    @Override
    public String toString() {
        return config.retry() == RetryMode.NONE ? "none"
                : config.retry().name().toLowerCase(Locale.ROOT) + " up to " + config.maxAttempts() + " attempts";
    }

    int retried() {
        return retried.get();
    }

    /** The original's headers, and the attempt that failed. */
    static Map<String, Object> retryHeaders(Delivery delivery, int attempt) {
        Map<String, Object> headers = copyHeaders(delivery);
        headers.put(RETRY_ATTEMPT, attempt);
        return headers;
    }

    /** The original's headers, and what went wrong: the last error, the attempts made, the queue it came from. */
    static Map<String, Object> deadLetterHeaders(Delivery delivery, int attempts, String lastError, String queue) {
        Map<String, Object> headers = copyHeaders(delivery);
        headers.put(LAST_ERROR, lastError);
        headers.put(ATTEMPTS, attempts);
        headers.put(ORIGINAL_QUEUE, queue);
        return headers;
    }

    private static Map<String, Object> copyHeaders(Delivery delivery) {
        Map<String, Object> headers = delivery.getProperties().getHeaders();
        return headers == null ? new HashMap<>() : new HashMap<>(headers);
    }

    /** Publishes a copy to {@code queue} and waits for the broker's confirm, so that the original may be acked. */
    private static void forward(Channel forwarding, String queue, Delivery delivery, Map<String, Object> headers,
                                String expiration) throws IOException {
        AMQP.BasicProperties properties = delivery.getProperties().builder().headers(headers).expiration(expiration)
                .build();
        forwarding.basicPublish("", queue, properties, delivery.getBody());
        try {
            forwarding.waitForConfirmsOrDie(10_000);
        } catch (TimeoutException e) {
            throw new IOException("no confirm for the copy sent to " + queue, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the confirm of the copy sent to " + queue, e);
        }
    }
}
