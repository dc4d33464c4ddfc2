package io.github.mqexamples.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.github.mqexamples.common.rabbitmq.AmqpUrl;
import io.github.mqexamples.common.rabbitmq.RabbitMqConnections;
import java.time.Duration;

/**
 * How fast the broker saw a pre-filled queue empty, the same clock for any consumer: the queue's count of ready
 * messages, asked on a connection of its own every {@link #POLL} (a passive declare), from the first answer below
 * the pre-filled count to the first answer of zero. Each consumer's own figure is computed its own way (PerfTest
 * averages one-second samples, ours divides by the time from its first message to its last); on runs of 2-3 s
 * the two ways alone differ by a few percent, which is as much as what is being compared.
 */
final class QueueDrainClock implements AutoCloseable {

    static final Duration POLL = Duration.ofMillis(20);

    private final Connection connection;
    private final Thread poller;
    private volatile long firstNanos;
    private volatile long firstCount = -1;
    private volatile long emptyNanos;
    private volatile Exception failure;

    QueueDrainClock(String amqpUrl, String queue, long prefilled) throws Exception {
        connection = RabbitMqConnections.connect(AmqpUrl.parse(amqpUrl, "url"), "benchmark-drain-clock");
        Channel channel = connection.createChannel();
        poller = new Thread(() -> {
            try {
                while (true) {
                    long count = channel.messageCount(queue);
                    long now = System.nanoTime();
                    if (firstCount < 0 && count < prefilled) {
                        firstNanos = now;
                        firstCount = count;
                    }
                    if (firstCount >= 0 && count == 0) {
                        emptyNanos = now;
                        return;
                    }
                    Thread.sleep(POLL.toMillis());
                }
            } catch (InterruptedException e) {
                // closed before the queue was empty
            } catch (Exception e) {
                failure = e;
            }
        }, "drain-clock");
        poller.setDaemon(true);
        poller.start();
    }

    /**
     * Messages per second from the first poll that saw the queue shrink to the first that saw it empty. The
     * messages taken before that first poll are not counted, nor is their time.
     */
    double messagesPerSecond() throws Exception {
        poller.join(Duration.ofSeconds(10).toMillis());
        if (failure != null) {
            throw failure;
        }
        if (emptyNanos == 0) {
            throw new IllegalStateException("the queue was not seen empty within 10 s of the consumer's end");
        }
        if (emptyNanos == firstNanos) {
            throw new IllegalStateException("drained between two polls: too few messages to time (--messages)");
        }
        return firstCount / ((emptyNanos - firstNanos) / 1e9);
    }

    @Override
    public void close() throws Exception {
        poller.interrupt();
        connection.close();
    }
}
