package io.github.mqexamples.rabbitmq.consumer;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DeliverCallback;
import com.rabbitmq.client.Delivery;
import io.github.mqexamples.common.Log;
import io.github.mqexamples.common.rabbitmq.AmqpUrl;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import io.github.mqexamples.common.rabbitmq.RabbitMqConnections;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;

/** Consumes the queue: receive, process, acknowledge; stops without losing what it holds. */
public final class RabbitMqConsumer {

    /** @param maxMessages 0 = until stopped */
    public record Config(AmqpUrl url, QueueSpec queue, boolean manualAck, int prefetch, int maxMessages) {
    }

    /** What processing a message means; the program only logs it, tests record it. */
    @FunctionalInterface
    public interface Processor {
        void process(Delivery delivery, String body) throws Exception;
    }

    private final Config config;
    private final Processor processor;
    private final Logger log = Log.forProgram("rabbitmq-consumer");
    private final CountDownLatch stop = new CountDownLatch(1);
    /** Held while one message is processed and acked, so a stop never cuts a message in half. */
    private final ReentrantLock inHand = new ReentrantLock();
    private volatile boolean stopping;
    private int processed;

    public RabbitMqConsumer(Config config) {
        this(config, (delivery, body) -> { });
    }

    public RabbitMqConsumer(Config config, Processor processor) {
        this.config = config;
        this.processor = processor;
    }

    /** Consumes until {@link #stop()}, Ctrl-C / SIGTERM, or {@code maxMessages}; returns how many it processed. */
    public int run() throws Exception {
        try (Connection connection = RabbitMqConnections.connect(config.url(), "rabbitmq-consumer")) {
            Channel channel = connection.createChannel();
            config.queue().declare(channel);

            // Prefetch: the broker sends at most this many unacknowledged messages ahead to this consumer.
            // Without it, a manual-ack consumer would be flooded with the whole queue, all held in memory and
            // all redelivered if it crashes. (An auto-ack consumer has nothing to count, so prefetch is moot.)
            channel.basicQos(config.prefetch());

            log.info("waiting for messages on queue '{}' at {} ({} ack, prefetch {}). Press Ctrl-C to stop.",
                    config.queue().name(), config.url().address(), config.manualAck() ? "manual" : "auto",
                    config.prefetch());
            DeliverCallback onDelivery = (consumerTag, delivery) -> handle(channel, delivery);
            // autoAck=false: the broker keeps each message until we ack it; if this process dies first, the
            // message goes back to the queue and is delivered again (with redelivered=true).
            String consumerTag = channel.basicConsume(config.queue().name(), !config.manualAck(), onDelivery,
                    tag -> {
                        log.warn("the broker cancelled the consumer (was queue '{}' deleted?)", config.queue().name());
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
            inHand.unlock();
            log.info("stopped after {} message(s)", processed);
            return processed;
        }
    }

    /** Ends {@link #run()} after the message in hand. Safe from any thread. */
    public void stop() {
        stop.countDown();
    }

    private void handle(Channel channel, Delivery delivery) throws IOException {
        inHand.lock();
        try {
            if (stopping) {
                return; // not acked: the broker requeues it when we close
            }
            String body = new String(delivery.getBody(), StandardCharsets.UTF_8);
            log.info("received '{}' (message id {}, redelivered={})", body,
                    delivery.getProperties().getMessageId(), delivery.getEnvelope().isRedeliver());
            try {
                processor.process(delivery, body);
            } catch (Exception e) {
                // Retry and dead-lettering come with --retry; for now a failure leaves the message unacked
                // for redelivery after a restart rather than acking (losing) it.
                log.error("processing '{}' failed: {}", body, e.toString());
                return;
            }
            if (config.manualAck()) {
                // Ack only now that processing succeeded; multiple=false acks just this delivery.
                channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
            }
            processed++;
            if (config.maxMessages() > 0 && processed >= config.maxMessages()) {
                stopping = true;
                stop();
            }
        } finally {
            inHand.unlock();
        }
    }
}
