package io.github.mqexamples.rabbitmq.consumer;

import com.rabbitmq.client.Channel;
import java.util.function.LongSupplier;

/**
 * The backlog for the consumer's progress lines: how many messages wait in the queue, ready for a consumer. A
 * passive declare asks the broker about a queue without creating or changing it; its answer counts the ready
 * messages only, not those delivered and awaiting an ack. It runs on the progress thread, so on a channel of its
 * own: a channel is not to be used by two threads at once.
 */
final class QueueDepth implements LongSupplier {

    private final Channel channel;
    private final String queue;

    QueueDepth(Channel channel, String queue) {
        this.channel = channel;
        this.queue = queue;
    }

    /** The queue's ready messages; -1 when the broker cannot say (connection lost, or the queue deleted). */
    @Override
    public long getAsLong() {
        try {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (Exception e) {
            return -1;
        }
    }
}
