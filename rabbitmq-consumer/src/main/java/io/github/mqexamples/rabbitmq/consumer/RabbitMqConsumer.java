package io.github.mqexamples.rabbitmq.consumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DeliverCallback;
import com.rabbitmq.client.Delivery;
import io.github.mqexamples.common.Deduplicator;
import io.github.mqexamples.common.Log;
import io.github.mqexamples.common.SimulatedWork;
import io.github.mqexamples.common.Throughput;
import io.github.mqexamples.common.rabbitmq.AmqpUrl;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import io.github.mqexamples.common.rabbitmq.RabbitMqConnections;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;

/**
 * Consumes the queue: receive, process, acknowledge. A failure is retried ({@code delayed} or {@code requeue}),
 * then dead-lettered; a duplicate (same message id) is acknowledged without being applied twice; a stop never
 * loses what the consumer holds.
 */
public final class RabbitMqConsumer {

    /** Processed messages settled by one ack (multiple=true), unless --ack-every says otherwise. */
    public static final int DEFAULT_ACK_EVERY = 25;
    /** The longest a processed message waits for its ack when no more messages come to fill the batch. */
    static final Duration ACK_DELAY = Duration.ofMillis(100);

    /** The effect of a message: what processing it means. The program only logs; tests record it. */
    @FunctionalInterface
    public interface Processor {
        void process(Delivery delivery, String body) throws Exception;
    }

    /** Headers of a dead-lettered message, telling what went wrong. */
    public static final String LAST_ERROR = "x-last-error";
    public static final String ATTEMPTS = "x-attempts";
    public static final String ORIGINAL_QUEUE = "x-original-queue";
    /** Set on a message sent to the retry queue: the attempt that failed. */
    public static final String RETRY_ATTEMPT = "x-retry-attempt";

    /** Ids of recently processed messages; far more than can be in flight (prefetch) at once. */
    static final int DEDUPLICATION_WINDOW = 100_000;

    private final ConsumerConfig config;
    private final Processor processor;
    private final Logger log = Log.forProgram("rabbitmq-consumer");
    private final CountDownLatch stop = new CountDownLatch(1);
    /** Held while one message is processed and settled, so a stop never cuts a message in half. */
    private final ReentrantLock inHand = new ReentrantLock();
    private final Deduplicator done = new Deduplicator(DEDUPLICATION_WINDOW);
    private final AtomicInteger processed = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger retried = new AtomicInteger();
    private final AtomicInteger deadLettered = new AtomicInteger();
    private volatile boolean stopping;
    private Throughput throughput;
    private BatchedAcks acks;
    /** A separate channel in confirm mode for retry and dead-letter copies: the original is acked only once
     * the broker has confirmed its copy, so a crash in between duplicates a message but never loses one. */
    private Channel forwarding;

    public RabbitMqConsumer(ConsumerConfig config) {
        this(config, (delivery, body) -> { });
    }

    public RabbitMqConsumer(ConsumerConfig config, Processor processor) {
        this.config = config;
        this.processor = processor;
    }

    /** Consumes until {@link #stop()}, Ctrl-C / SIGTERM, or {@code maxMessages}; returns how many it processed. */
    public int run() throws Exception {
        throughput = new Throughput("received", log, !config.logMessages());
        try (Connection connection = RabbitMqConnections.connect(config.url(), "rabbitmq-consumer")) {
            Channel channel = connection.createChannel();
            QueueSpec queue = config.queue();
            queue.declare(channel); // a quorum queue's declaration includes its dead-letter queue
            if (!queue.quorum()) {
                QueueSpec.declareSideQueue(channel, queue.deadLetterQueue(), Map.of());
            }
            if (config.retry() == RetryMode.DELAYED) {
                // A failed message waits here until its expiration, then the broker dead-letters it back to
                // the main queue through the default exchange: a delay without blocking the other messages.
                QueueSpec.declareSideQueue(channel, queue.retryQueue(), Map.of(
                        "x-dead-letter-exchange", "", "x-dead-letter-routing-key", queue.name()));
            }
            if (!config.exchange().isEmpty()) {
                // Producers publish to the exchange; the binding is what routes a message into this queue.
                channel.exchangeDeclare(config.exchange(), BuiltinExchangeType.DIRECT, true);
                String bindingKey = config.routingKey() != null ? config.routingKey() : queue.name();
                channel.queueBind(queue.name(), config.exchange(), bindingKey);
                log.info("queue '{}' bound to exchange '{}' with routing key '{}'", queue.name(), config.exchange(),
                        bindingKey);
            }
            forwarding = connection.createChannel();
            forwarding.confirmSelect();

            // Prefetch: the broker sends at most this many unacknowledged messages ahead to this consumer.
            // Without it, a manual-ack consumer would be flooded with the whole queue, all held in memory and
            // all redelivered if it crashes. (An auto-ack consumer has nothing to count, so prefetch is moot.)
            channel.basicQos(config.prefetch());
            int ackEvery = config.ack() == AckMode.MANUAL ? ackEvery(config) : 0;
            acks = new BatchedAcks(channel, ackEvery);

            log.info("waiting for messages on queue '{}' at {} ({}, prefetch {}, retry {}). Press Ctrl-C to stop.",
                    queue.name(), config.url().address(), ackEvery == 0 ? "auto ack"
                            : ackEvery == 1 ? "manual ack" : "manual ack every " + ackEvery + " messages",
                    config.prefetch(),
                    config.retry() == RetryMode.NONE ? "none"
                            : config.retry().name().toLowerCase(Locale.ROOT) + " up to " + config.maxAttempts() + " attempts");
            DeliverCallback onDelivery = (consumerTag, delivery) -> handle(channel, delivery);
            // autoAck=false: the broker keeps each message until we ack it; if this process dies first, the
            // message goes back to the queue and is delivered again (with redelivered=true).
            String consumerTag = channel.basicConsume(queue.name(), config.ack() == AckMode.AUTO, onDelivery, tag -> {
                log.warn("the broker cancelled the consumer (was queue '{}' deleted?)", queue.name());
                stop();
            });

            stop.await();

            // Stop deliveries, then wait for the message in hand to be processed and acked. Messages the broker
            // already sent ahead (prefetch) but we have not processed stay unacked: closing the connection hands
            // them back to the queue for the next consumer.
            stopping = true;
            if (channel.isOpen()) {
                channel.basicCancel(consumerTag);
            }
            inHand.lock();
            try {
                acks.flush(); // the batch in progress: every processed message is acked before we close
            } finally {
                inHand.unlock();
            }
            log.info("stopped after {} message(s)", processed.get());
            if (throughput.worthASummary()) {
                log.info(throughput.summary());
            }
            return processed.get();
        } finally {
            throughput.close();
            if (acks != null) {
                acks.close();
            }
        }
    }

    /**
     * At most half the prefetch: the broker keeps sending while the batch fills. With an ack batch as large as
     * the prefetch, the broker would stop at a full window and wait for the timer every time.
     */
    static int ackEvery(ConsumerConfig config) {
        return Math.max(1, Math.min(config.ackEvery(), config.prefetch() / 2));
    }

    /** Ends {@link #run()} after the message in hand. Safe from any thread. */
    public void stop() {
        stop.countDown();
    }

    public int duplicates() {
        return duplicates.get();
    }

    public int retried() {
        return retried.get();
    }

    public int deadLettered() {
        return deadLettered.get();
    }

    private void handle(Channel channel, Delivery delivery) throws IOException {
        inHand.lock();
        try {
            if (stopping) {
                return; // not acked: the broker requeues it when we close
            }
            String body = new String(delivery.getBody(), StandardCharsets.UTF_8);
            String id = delivery.getProperties().getMessageId();
            int attempt = attempt(delivery);
            if (config.logMessages()) {
                log.info("received '{}' (message id {}, redelivered={}{})", body, id,
                        delivery.getEnvelope().isRedeliver(), attempt > 1 ? ", attempt " + attempt : "");
            }

            // Idempotency: a message whose effect was already applied (it came again after a lost ack, or the
            // producer re-sent it after a lost confirm) is acknowledged, not applied a second time.
            if (done.alreadyDone(id)) {
                duplicates.incrementAndGet();
                log.info("duplicate of message id {}: already processed, acked without processing again", id);
                ack(channel, delivery);
                return;
            }
            try {
                config.work().process(body, attempt);
                processor.process(delivery, body);
            } catch (Exception e) {
                failed(channel, delivery, body, attempt, e);
                return;
            }
            done.markDone(id);
            // Ack only now that processing succeeded (in the next batch of acks, see BatchedAcks).
            ack(channel, delivery);
            throughput.record(delivery.getBody().length, sentAt(delivery));
            int count = processed.incrementAndGet();
            if (config.maxMessages() > 0 && count >= config.maxMessages()) {
                stopping = true;
                stop();
            }
        } finally {
            inHand.unlock();
        }
    }

    /** This delivery is settled (processed, or its copy is safely in the retry or dead-letter queue). */
    private void ack(Channel channel, Delivery delivery) throws IOException {
        if (config.ack() == AckMode.MANUAL) {
            acks.done(delivery.getEnvelope().getDeliveryTag());
        }
    }

    /**
     * Which attempt this delivery is (1 = first). Requeue: a quorum queue counts returns in x-delivery-count.
     * Delayed: each trip through the retry queue adds to the count of its x-death entry; the x-retry-attempt
     * header we set carries the same number where a broker does not keep x-death across a re-publish.
     */
    static int attempt(Delivery delivery) {
        Map<String, Object> headers = delivery.getProperties().getHeaders();
        if (headers == null) {
            return 1;
        }
        long previous = 0;
        if (headers.get("x-delivery-count") instanceof Number n) {
            previous = Math.max(previous, n.longValue());
        }
        if (headers.get(RETRY_ATTEMPT) instanceof Number n) {
            previous = Math.max(previous, n.longValue());
        }
        if (headers.get("x-death") instanceof List<?> deaths) {
            for (Object death : deaths) {
                if (death instanceof Map<?, ?> d && "expired".equals(String.valueOf(d.get("reason")))
                        && String.valueOf(d.get("queue")).endsWith(".retry") && d.get("count") instanceof Number n) {
                    previous = Math.max(previous, n.longValue());
                }
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, previous + 1);
    }

    /** When the producer sent the message (its x-sent-at-micros header), 0 if unknown. */
    static long sentAt(Delivery delivery) {
        Map<String, Object> headers = delivery.getProperties().getHeaders();
        return headers != null && headers.get(Throughput.SENT_AT_HEADER) instanceof Number n ? n.longValue() : 0;
    }

    /** Processing failed: try again later, or give up and dead-letter. Never drop, never loop forever. */
    private void failed(Channel channel, Delivery delivery, String body, int attempt, Exception error)
            throws IOException {
        String reason = error.getClass().getSimpleName() + ": " + error.getMessage();
        boolean attemptsLeft = attempt < config.maxAttempts() && config.retry() != RetryMode.NONE;
        if (attemptsLeft && config.retry() == RetryMode.REQUEUE) {
            // As the original docs showed: back into the queue at once. The quorum queue's delivery limit
            // (x-delivery-limit) stops it even if a consumer never gets this far, e.g. because it crashes.
            retried.incrementAndGet();
            log.warn("attempt {} of {} failed for '{}' ({}): requeued", attempt, config.maxAttempts(), body, reason);
            channel.basicNack(delivery.getEnvelope().getDeliveryTag(), false, true);
        } else if (attemptsLeft) {
            // Delayed: park a copy in <queue>.retry with an expiration; the broker returns it to the queue when
            // it expires. Meanwhile the other messages keep flowing.
            retried.incrementAndGet();
            log.warn("attempt {} of {} failed for '{}' ({}): retrying in {} ms", attempt, config.maxAttempts(), body,
                    reason, config.retryDelay().toMillis());
            Map<String, Object> headers = copyHeaders(delivery);
            headers.put(RETRY_ATTEMPT, attempt);
            forward(config.queue().retryQueue(), delivery, headers, String.valueOf(config.retryDelay().toMillis()));
            ack(channel, delivery);
        } else {
            deadLettered.incrementAndGet();
            log.error("'{}' failed {} time(s), last with {}: moved to {}", body, attempt, reason,
                    config.queue().deadLetterQueue());
            Map<String, Object> headers = copyHeaders(delivery);
            headers.put(LAST_ERROR, reason);
            headers.put(ATTEMPTS, attempt);
            headers.put(ORIGINAL_QUEUE, config.queue().name());
            forward(config.queue().deadLetterQueue(), delivery, headers, null);
            ack(channel, delivery);
        }
    }

    private static Map<String, Object> copyHeaders(Delivery delivery) {
        Map<String, Object> headers = delivery.getProperties().getHeaders();
        return headers == null ? new HashMap<>() : new HashMap<>(headers);
    }

    /** Publishes a copy to {@code queue} and waits for the broker's confirm before the original is acked. */
    private void forward(String queue, Delivery delivery, Map<String, Object> headers, String expiration)
            throws IOException {
        AMQP.BasicProperties properties = delivery.getProperties().builder().headers(headers).expiration(expiration)
                .build();
        forwarding.basicPublish("", queue, properties, delivery.getBody());
        try {
            forwarding.waitForConfirmsOrDie(10_000);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("no confirm for the copy sent to " + queue, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the confirm of the copy sent to " + queue, e);
        }
    }

    /**
     * Acknowledges settled deliveries in batches: one basic.ack with multiple=true settles every delivery of the
     * channel up to its tag. Each ack is work for the broker (for a quorum queue, an entry in its replicated
     * log): measured with PerfTest here, acking every 25th message instead of each one took a consumer from 27k
     * to 31k-49k msg/s. Safe because deliveries are handled one at a time, in order: when delivery N is settled,
     * every delivery before it is settled too (acked in this batch, or requeued by its own nack).
     *
     * <p>The price, and why it is small: a crash redelivers the batch in progress, messages already processed
     * (de-duplication skips them); and when messages stop coming, the last ones of a batch would wait forever,
     * so a timer acks whatever is pending every {@link #ACK_DELAY}.
     */
    private final class BatchedAcks implements AutoCloseable {
        private final Channel channel;
        private final int every;
        private long lastTag;
        private int pending;
        private final ScheduledExecutorService timer;

        /** @param every 0 = nothing to ack (auto ack) */
        BatchedAcks(Channel channel, int every) {
            this.channel = channel;
            this.every = every;
            this.timer = every > 1 ? Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ack-timer");
                t.setDaemon(true);
                return t;
            }) : null;
            if (timer != null) {
                timer.scheduleWithFixedDelay(this::flushFromTimer, ACK_DELAY.toMillis(), ACK_DELAY.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }

        /** Called with the in-hand lock held. */
        void done(long deliveryTag) throws IOException {
            lastTag = deliveryTag;
            pending++;
            if (pending >= every) {
                flush();
            }
        }

        /** Called with the in-hand lock held. */
        void flush() throws IOException {
            if (pending > 0 && channel.isOpen()) {
                channel.basicAck(lastTag, every > 1);
            }
            pending = 0;
        }

        private void flushFromTimer() {
            inHand.lock();
            try {
                flush();
            } catch (IOException | RuntimeException e) {
                // The channel is closing or recovering: these deliveries will be redelivered, and skipped as
                // duplicates. Nothing to do here but say so.
                log.debug("could not ack the pending batch: {}", e.toString());
            } finally {
                inHand.unlock();
            }
        }

        @Override
        public void close() {
            if (timer != null) {
                timer.shutdownNow();
            }
        }
    }
}
