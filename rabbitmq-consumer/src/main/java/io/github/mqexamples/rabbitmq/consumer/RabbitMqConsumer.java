package io.github.mqexamples.rabbitmq.consumer;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import io.github.mqexamples.common.Deduplicator;
import io.github.mqexamples.common.Log;
import io.github.mqexamples.common.Throughput;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import io.github.mqexamples.common.rabbitmq.RabbitMqConnections;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;

/**
 * The consumer, in the order of the Go sample: connect, declare the queue, set the prefetch, consume, process each
 * message, ack it, close. What it adds to the sample has a file of its own: {@link Bindings} (how the queue is
 * bound), {@link BatchedAcks} (one ack for many messages), {@link RetryOrDeadLetter} (where a failed message goes),
 * {@link DeliveryHeaders} (which attempt a delivery is). A message delivered twice is applied once; a stop loses none.
 */
public final class RabbitMqConsumer {

    private final ConsumerConfig config;
    private final Processor processor;
    private final Logger log = Log.forProgram("rabbitmq-consumer");
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Deduplicator done = new Deduplicator(Deduplicator.DEFAULT_CAPACITY);
    /** Message ids in hand on some channel: with --concurrency, two copies of one message can arrive at once. */
    private final Set<String> inProgress = ConcurrentHashMap.newKeySet();
    private final RetryOrDeadLetter failures;
    private final AtomicInteger processed = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private volatile boolean stopping;
    private Throughput throughput;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private Channel forwarding;

    /**
     * One channel consuming the queue, with its own prefetch and acks (delivery tags are numbered per channel).
     * {@code inHand} is held while one of its messages is processed and settled, so a stop never cuts one in half.
     */
    private record Subscription(Channel channel, BatchedAcks acks, ReentrantLock inHand, String tag) {
    }

    /** The program's consumer: processing a message means logging it. */
    public RabbitMqConsumer(ConsumerConfig config) {
        this(config, (delivery, body) -> { });
    }

    public RabbitMqConsumer(ConsumerConfig config, Processor processor) {
        this.config = config;
        this.processor = processor;
        this.failures = new RetryOrDeadLetter(config, log);
    }

    /** Consumes until {@link #stop()}, Ctrl-C / SIGTERM, or {@code maxMessages}; returns how many it processed. */
    public int run() throws Exception {
        throughput = new Throughput("received", log, !config.logMessages());
        // One connection for the program's life. After a network blip or a broker restart the client reconnects
        // by itself (automatic recovery) and re-opens the channels and this consumer.
        // --concurrency: the client hands each channel's deliveries to a thread of a pool, one at a time and in
        // order per channel, several channels at once: the pool needs a thread per consuming channel.
        try (Connection connection = RabbitMqConnections.connect(config.url(), "rabbitmq-consumer",
                config.concurrency())) {
            Channel channel = connection.createChannel();
            // Producer and consumer both declare the queue: whichever starts first creates it, and both must declare
            // it alike or the broker refuses. First the queues failed messages go to: a quorum queue names one.
            QueueSpec queue = config.queue();
            String name = queue.name().isEmpty() ? channel.queueDeclare().getQueue() : queue.name();
            if (queue.name().isEmpty()) { // --queue '': exclusive, auto-delete: it lives as long as this connection
                log.info("server-named queue '{}' (exclusive, auto-delete: gone when this consumer stops)", name);
            } else {
                failures.declareQueues(channel);
                try {
                    // durable: the queue survives a broker restart; exclusive and autoDelete false: it outlives us.
                    channel.queueDeclare(name, queue.durable(), false, false, queue.arguments());
                } catch (IOException e) {
                    throw queue.declarationError(e); // e.g. PRECONDITION_FAILED: it exists with other settings
                }
            }
            if (!config.exchange().isEmpty()) {
                // Producers publish to the exchange; the bindings are what route a message into this queue.
                Bindings bind = config.bindings();
                channel.exchangeDeclare(config.exchange(), bind.type().builtin(), true);
                for (String key : bind.keysFor(name)) {
                    channel.queueBind(name, config.exchange(), key, bind.arguments());
                    log.info("queue '{}' bound to exchange '{}' with {}", name, config.exchange(), bind.describe(key));
                }
            }
            // Copies of failed messages go out on a channel of their own, in confirm mode: the original is acked
            // only once the broker has confirmed its copy, so a crash in between duplicates a message, never loses it.
            forwarding = connection.createChannel();
            forwarding.confirmSelect();
            if (!config.logMessages()) { // the queue's depth in the progress lines: what is waiting, the backlog
                throughput.showBacklog("queue depth", new QueueDepth(connection.createChannel(), name));
            }

            // --concurrency: this connection, one channel per consumer. Connections are expensive, channels cheap.
            for (int i = 0; i < config.concurrency(); i++) {
                subscriptions.add(subscribe(i == 0 ? channel : connection.createChannel(), name, i + 1));
            }
            log.info("waiting for messages on queue '{}' at {} ({}{}, prefetch {}, retry {}). Press Ctrl-C to stop.",
                    name, RabbitMqConnections.node(connection), subscriptions.get(0).acks(), config.concurrency() == 1 ? ""
                            : ", " + config.concurrency() + " channels on one connection", config.prefetch(), failures);

            stop.await();

            // Stop deliveries; ack the batch in progress once the message in hand is done (flush takes its lock).
            // Messages sent ahead (prefetch) but not processed stay unacked: the close hands them back to the queue.
            stopping = true;
            for (Subscription s : subscriptions) {
                if (s.channel().isOpen()) {
                    s.channel().basicCancel(s.tag());
                }
                s.acks().flush();
            }
            log.info("stopped after {} message(s)", processed.get());
            throughput.logSummary();
            return processed.get();
        } finally {
            throughput.close();
            subscriptions.forEach(s -> s.acks().close());
        }
    }

    /** Sets the prefetch of {@code channel} and starts consumer {@code number} on it. */
    private Subscription subscribe(Channel channel, String queue, int number) throws IOException {
        // Prefetch: the broker sends at most this many unacknowledged messages ahead to this consumer.
        // Without it, a manual-ack consumer would be flooded with the whole queue, all held in memory and
        // all redelivered if it crashes. (An auto-ack consumer has nothing to count, so prefetch is moot.)
        channel.basicQos(config.prefetch());

        // One ack with multiple=true settles this delivery and every earlier one of the channel: a batch of
        // messages for the price of one ack (BatchedAcks says when). On a closed channel there is nothing to
        // ack: the broker has requeued what it held, and those copies will be skipped as duplicates.
        int ackBatch = config.ack() == AckMode.MANUAL ? BatchedAcks.size(config.ackEvery(), config.prefetch()) : 0;
        ReentrantLock inHand = new ReentrantLock();
        BatchedAcks acks = new BatchedAcks(ackBatch, inHand, log, (deliveryTag, multiple) -> {
            if (channel.isOpen()) {
                channel.basicAck(deliveryTag, multiple);
            }
        });
        // The consumer tag names this consumer in the management UI (Queues > Consumers).
        Subscription on = new Subscription(channel, acks, inHand, "rabbitmq-consumer-" + number);
        // autoAck false (--ack manual, the default): the broker keeps each message until we ack it; if this
        // process dies first, the message goes back to the queue and is delivered again (redelivered=true).
        try {
            channel.basicConsume(queue, config.ack() == AckMode.AUTO, on.tag(), (tag, delivery) -> handle(on, delivery),
                    tag -> {
                        log.warn("the broker cancelled the consumer (was queue '{}' deleted?)", queue);
                        stop();
                    });
        } catch (IOException e) {
            throw RabbitMqConnections.channelError(e, "read from"); // e.g. ACCESS_REFUSED: no read permission
        }
        return on;
    }

    /** One delivery: process it, then ack it. The client hands them over one at a time, in order. */
    private void handle(Subscription on, Delivery delivery) throws IOException {
        on.inHand().lock();
        try {
            if (stopping) {
                return; // not acked: the broker requeues it when we close
            }
            String body = new String(delivery.getBody(), StandardCharsets.UTF_8);
            String id = delivery.getProperties().getMessageId();
            int attempt = DeliveryHeaders.attempt(delivery);
            if (config.logMessages()) {
                log.info("received '{}' (message id {}, redelivered={}{})", body, id,
                        delivery.getEnvelope().isRedeliver(), attempt > 1 ? ", attempt " + attempt : "");
            }

            // Idempotency: a message whose effect was already applied (it came again after a lost ack, or the
            // producer re-sent it after a lost confirm) is acknowledged, not applied a second time. So is a copy
            // that another channel (--concurrency) has in hand right now: that one is applied, retried or requeued.
            if (id != null && !inProgress.add(id)) {
                skipDuplicate(on, delivery, "being processed on another channel");
                return;
            }
            try {
                if (done.alreadyDone(id)) {
                    skipDuplicate(on, delivery, "already processed");
                    return;
                }
                try {
                    config.work().process(body, attempt);
                    processor.process(delivery, body);
                } catch (Exception e) {
                    failed(on, delivery, body, attempt, e);
                    return;
                }
                done.markDone(id);
            } finally {
                if (id != null) {
                    inProgress.remove(id);
                }
            }
            ack(on, delivery); // only now that processing succeeded
            throughput.record(delivery.getBody().length, DeliveryHeaders.sentAt(delivery));
            int count = processed.incrementAndGet();
            if (config.maxMessages() > 0 && count >= config.maxMessages()) {
                stopping = true;
                stop();
            }
        } finally {
            on.inHand().unlock();
        }
    }

    private void skipDuplicate(Subscription on, Delivery delivery, String why) throws IOException {
        duplicates.incrementAndGet();
        log.info("duplicate of message id {}: {}, acked without processing again",
                delivery.getProperties().getMessageId(), why);
        ack(on, delivery);
    }

    /** Processing failed: a copy to <queue>.retry or .dlq (then ack), or a nack that requeues or drops it. */
    private void failed(Subscription on, Delivery delivery, String body, int attempt, Exception e) throws IOException {
        RetryOrDeadLetter.Outcome outcome;
        synchronized (forwarding) { // shared by the channels of --concurrency; its confirms are its own
            outcome = failures.failed(forwarding, delivery, body, attempt, e);
        }
        if (outcome != RetryOrDeadLetter.Outcome.FORWARDED) {
            // requeue=true: back into the queue at once (counted in x-delivery-count); false: dropped (DROP).
            on.channel().basicNack(delivery.getEnvelope().getDeliveryTag(), false,
                    outcome == RetryOrDeadLetter.Outcome.REQUEUE);
        } else {
            ack(on, delivery); // its copy is safe in <queue>.retry or <queue>.dlq
        }
    }

    /** This delivery is settled: the next ack of its channel's batch includes it (with auto ack, the broker did it). */
    private static void ack(Subscription on, Delivery delivery) throws IOException {
        on.acks().add(delivery.getEnvelope().getDeliveryTag());
    }

    /** Ends {@link #run()} after the message in hand. Safe from any thread. */
    public void stop() {
        stop.countDown();
    }

    public int duplicates() {
        return duplicates.get();
    }

    public int retried() {
        return failures.retried();
    }
}
