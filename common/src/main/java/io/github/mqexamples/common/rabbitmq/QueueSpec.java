package io.github.mqexamples.common.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import io.github.mqexamples.common.BrokerException;
import io.github.mqexamples.common.UsageException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The queue the producer and the consumer declare, each with {@code queueDeclare(name(), durable(), false, false,
 * arguments())}: whichever starts first creates it, and both must declare it identically, as RabbitMQ refuses a
 * declaration that differs from the existing queue ({@link #declarationError} explains that refusal).
 *
 * <p>Default: a durable quorum queue. Durable means the queue itself survives a broker restart; a quorum queue
 * also keeps every message (it stores all of them on disk, replicated where there are several nodes) and counts
 * deliveries, so a message that keeps coming back can be stopped: after {@code deliveryLimit} returns to the
 * queue the broker dead-letters it to {@code <queue>.dlq} instead of delivering it forever. That is the safety
 * net under the consumer's own retry policy (a consumer that crashes on a message never gets to nack it).
 *
 * <p>{@code classic} with {@code durable=false} is what the Go sample declares: no arguments at all.
 */
public record QueueSpec(String name, boolean durable, String type, int deliveryLimit, int maxLength,
                        Overflow overflow) {

    /** RabbitMQ 4.x gives quorum queues this limit by default; 3.x has none, so it is always set explicitly. */
    public static final int DEFAULT_DELIVERY_LIMIT = 20;

    public QueueSpec {
        if (type.equals("quorum") && !durable) {
            throw new UsageException("a quorum queue is always durable: use --durable true, or --queue-type classic");
        }
    }

    public QueueSpec(String name, boolean durable, String type) {
        this(name, durable, type, DEFAULT_DELIVERY_LIMIT);
    }

    /** No length limit. */
    public QueueSpec(String name, boolean durable, String type, int deliveryLimit) {
        this(name, durable, type, deliveryLimit, 0, Overflow.REJECT_PUBLISH);
    }

    public boolean quorum() {
        return type.equals("quorum");
    }

    /** Where messages go that could not be processed: {@code <queue>.dlq}. */
    public String deadLetterQueue() {
        return name + ".dlq";
    }

    /** Where a failed message waits before its next attempt: {@code <queue>.retry}. */
    public String retryQueue() {
        return name + ".retry";
    }

    public Map<String, Object> arguments() {
        Map<String, Object> arguments = new HashMap<>();
        if (quorum()) {
            arguments.put("x-queue-type", "quorum");
            arguments.put("x-delivery-limit", deliveryLimit);
            // Dead letters go through the default exchange ("") to the queue named by the routing key.
            arguments.put("x-dead-letter-exchange", "");
            arguments.put("x-dead-letter-routing-key", deadLetterQueue());
        }
        if (maxLength > 0) {
            // A bounded queue: a burst beyond what it may hold is refused (or pushes out the oldest) instead of
            // growing the broker's memory and disk without limit.
            arguments.put("x-max-length", maxLength);
            arguments.put("x-overflow", overflow.argument());
        }
        // classic without a limit: no argument at all, exactly as the Go sample declares it, so both can share it
        return arguments;
    }

    /**
     * Why {@code queueDeclare} of this queue failed, for a person. When the queue already exists with other
     * settings the broker closes the channel with PRECONDITION_FAILED: the explanation names the settings this
     * declaration used and the two ways out.
     */
    public BrokerException declarationError(IOException e) {
        return explain(name, e, "--durable " + durable + " --queue-type " + type
                + (quorum() ? " --delivery-limit " + deliveryLimit : "")
                + (maxLength > 0 ? " --max-length " + maxLength + " --overflow " + overflow.argument() : ""));
    }

    /**
     * Declares {@code <queue>.dlq}, where messages that could not be processed end up. Of the same type as the main
     * queue: next to a quorum queue it is a quorum queue too, replicated like it, so that in a cluster a dead letter
     * survives the loss of a node as the message it replaces would have (a classic queue lives on one node only).
     */
    public void declareDeadLetterQueue(Channel channel) {
        declareSideQueue(channel, deadLetterQueue(), quorum() ? Map.of("x-queue-type", "quorum") : Map.of());
    }

    /**
     * Declares {@code <queue>.retry}, where a failed message waits until its expiration; the broker then
     * dead-letters it back to the main queue through the default exchange. Next to a quorum queue it is a quorum
     * queue too, and hands messages back "at-least-once": by default a quorum queue dead-letters at most once, and a
     * message would be gone if the main queue could not take it at that moment (no majority of its nodes, say);
     * at-least-once keeps it in {@code .retry} until the main queue has confirmed it. RabbitMQ allows that strategy
     * only with {@code x-overflow=reject-publish}.
     */
    public void declareRetryQueue(Channel channel) {
        Map<String, Object> arguments = new HashMap<>(Map.of(
                "x-dead-letter-exchange", "", "x-dead-letter-routing-key", name));
        if (quorum()) {
            arguments.put("x-queue-type", "quorum");
            arguments.put("x-dead-letter-strategy", "at-least-once");
            arguments.put("x-overflow", "reject-publish");
        }
        declareSideQueue(channel, retryQueue(), arguments);
    }

    /** A durable queue next to the main one ({@code .dlq}, {@code .retry}). */
    private static void declareSideQueue(Channel channel, String queue, Map<String, Object> arguments) {
        try {
            channel.queueDeclare(queue, true, false, false, arguments);
        } catch (IOException e) {
            throw explain(queue, e, "the ones the consumer uses (" + (arguments.containsKey("x-queue-type")
                    ? "a quorum queue, next to a quorum queue" : "a classic queue, next to a classic queue") + ")");
        }
    }

    private static BrokerException explain(String queue, IOException e, String settings) {
        if (e.getCause() instanceof ShutdownSignalException s) {
            String reply = RabbitMqConnections.replyText(s);
            String refused = RabbitMqConnections.accessRefused(reply, "declare");
            if (refused != null) {
                return new BrokerException(refused, e);
            }
            if (reply.startsWith("PRECONDITION_FAILED")) {
                return new BrokerException("queue '" + queue + "' already exists with other settings than "
                        + settings + " (" + reply + "). Either start with the settings it was created with (the Go"
                        + " sample creates it with --queue-type classic --durable false), or delete it first:"
                        + " rabbitmqctl delete_queue " + queue + ", or the Delete button on the queue's page in the"
                        + " management UI.", e);
            }
            if (reply.startsWith("NOT_FOUND") && reply.contains("home node")) {
                // A classic queue lives on one node of a cluster; the others know of it, but cannot reach it.
                return new BrokerException("queue '" + queue + "' is a classic queue, and the one node that holds it"
                        + " is down (" + reply + "). It comes back with its durable messages when that node is started"
                        + " again; until then it cannot be used from any node. A quorum queue (--queue-type quorum) has"
                        + " copies on several nodes and carries on while a majority of them runs.", e);
            }
            return new BrokerException("declaring queue '" + queue + "' failed: " + reply, e);
        }
        return new BrokerException("declaring queue '" + queue + "' failed: " + e, e);
    }
}
