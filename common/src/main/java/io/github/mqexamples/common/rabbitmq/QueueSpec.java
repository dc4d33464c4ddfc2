package io.github.mqexamples.common.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import io.github.mqexamples.common.BrokerException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * How the producer and the consumer declare the queue. Both declare it (whichever starts first creates it),
 * and both must declare it identically: RabbitMQ refuses a declaration that differs from the existing queue.
 *
 * <p>Default: durable quorum queue. Durable means the queue itself survives a broker restart; a quorum queue
 * also keeps every message (quorum queues store all messages on disk) and supports a delivery limit for poison
 * messages. {@code classic} with {@code durable=false} is what the Go sample declares.
 */
public record QueueSpec(String name, boolean durable, String type) {

    public QueueSpec {
        if (type.equals("quorum") && !durable) {
            throw new io.github.mqexamples.common.UsageException(
                    "a quorum queue is always durable: use --durable true, or --queue-type classic");
        }
    }

    public Map<String, Object> arguments() {
        Map<String, Object> arguments = new HashMap<>();
        if (type.equals("quorum")) {
            arguments.put("x-queue-type", "quorum");
        }
        // classic: no argument at all, exactly as the Go sample declares it, so both can share the queue
        return arguments;
    }

    /**
     * {@code queueDeclare(name, durable, exclusive=false, autoDelete=false, arguments)}. When the queue
     * already exists with other settings the broker closes the channel with PRECONDITION_FAILED; that is
     * turned into an explanation of the mismatch and how to fix it.
     */
    public void declare(Channel channel) {
        try {
            channel.queueDeclare(name, durable, false, false, arguments());
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException s) {
                String reply = RabbitMqConnections.replyText(s);
                if (reply.startsWith("PRECONDITION_FAILED")) {
                    throw new BrokerException("queue '" + name + "' already exists with other settings than"
                            + " --durable " + durable + " --queue-type " + type + " (" + reply + "). Either start"
                            + " with the settings it was created with (the Go sample creates it with"
                            + " --queue-type classic --durable false), or delete it first: rabbitmqctl delete_queue "
                            + name + ", or the Delete button on the queue's page in the management UI.", e);
                }
                throw new BrokerException("declaring queue '" + name + "' failed: " + reply, e);
            }
            throw new BrokerException("declaring queue '" + name + "' failed: " + e, e);
        }
    }
}
