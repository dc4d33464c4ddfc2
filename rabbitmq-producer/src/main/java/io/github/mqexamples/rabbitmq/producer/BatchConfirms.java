package io.github.mqexamples.rabbitmq.producer;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import io.github.mqexamples.common.Values;
import io.github.mqexamples.common.rabbitmq.RabbitMqConnections;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;

/**
 * Individual confirms (a batch of one) and batch confirms: publish a batch, then block until the broker has
 * confirmed all of it. Simple, and a failure is easy to handle: send the whole batch again. The price is a round
 * trip per batch; a batch of one is the slowest and the simplest.
 */
final class BatchConfirms {

    private final RabbitMqProducer producer;
    private final ProducerConfig config;
    private final Logger log;

    BatchConfirms(RabbitMqProducer producer, ProducerConfig config, Logger log) {
        this.producer = producer;
        this.config = config;
        this.log = log;
    }

    /** waitForConfirms, but a time the broker blocked us (a resource alarm) does not count as a missing confirm. */
    private boolean waitForConfirms(Channel channel) throws InterruptedException, TimeoutException {
        while (true) {
            long since = System.nanoTime();
            try {
                return channel.waitForConfirms(config.confirmTimeout().toMillis());
            } catch (TimeoutException e) {
                BrokerBlocks blocks = producer.blocks();
                if (!blocks.blocked() && blocks.waitingSince(since) == since) {
                    throw e; // not blocked at any time during the wait: the confirm is really missing
                }
            }
        }
    }

    /** Publishes messages, {@code size} at a time, until every one is taken (by this thread or another). */
    void publishAll(Channel channel, int size) throws InterruptedException {
        while (true) {
            List<Message> batch = new ArrayList<>();
            for (Message m; batch.size() < size && (m = producer.nextMessage()) != null; ) {
                batch.add(m);
            }
            if (batch.isEmpty()) {
                return;
            }
            for (int attempt = 0; ; attempt++) {
                String problem;
                try {
                    for (Message m : batch) {
                        producer.send(channel, m);
                    }
                    // false: the broker nacked at least one of them (we cannot tell which: re-send them all).
                    boolean allAcked = waitForConfirms(channel);
                    problem = allAcked ? null : "nacked by the broker";
                } catch (TimeoutException e) {
                    problem = "no confirm within " + Values.text(config.confirmTimeout());
                } catch (IOException | AlreadyClosedException e) {
                    problem = "connection lost (" + e.getMessage() + ")";
                    if (!RabbitMqConnections.awaitRecovery(channel, config.confirmTimeout())) {
                        // Not back within --confirm-timeout: give up on this batch, and send no more.
                        for (Message m : batch) {
                            producer.failed(m, "connection lost, not back within " + Values.text(config.confirmTimeout()));
                        }
                        return;
                    }
                }
                if (problem == null) {
                    batch.forEach(producer::confirmed);
                    break;
                }
                if (attempt >= config.publishRetries()) {
                    for (Message m : batch) {
                        producer.failed(m, problem);
                    }
                    break;
                }
                log.warn("re-sending {} message(s): {}", batch.size(), problem);
            }
        }
    }
}
