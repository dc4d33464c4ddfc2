package io.github.mqexamples.rabbitmq.producer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.github.mqexamples.common.Log;
import io.github.mqexamples.common.rabbitmq.AmqpUrl;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import io.github.mqexamples.common.rabbitmq.RabbitMqConnections;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/** Declares the queue and publishes messages with publisher confirms. */
public final class RabbitMqProducer {

    public record Config(AmqpUrl url, QueueSpec queue, boolean persistent, int count, String message,
                         Duration confirmTimeout) {
    }

    /** What the broker said about the messages: confirmed (safely stored), nacked, or returned as unroutable. */
    public record Result(int count, int confirmed, int nacked, int unroutable, List<String> messageIds) {
        public boolean allConfirmed() {
            return confirmed == count;
        }
    }

    /** A message waiting for its confirm. */
    private record Pending(String body, String messageId) {
    }

    /**
     * At most this many messages wait for a confirm at once. Confirms arrive asynchronously, so publishing
     * does not wait for each one (that would cost a round trip per message); the bound keeps memory flat and
     * stops a producer from racing far ahead of a broker that has stopped confirming.
     */
    static final int CONFIRM_WINDOW = 256;

    private final Config config;
    private final Logger log = Log.forProgram("rabbitmq-producer");

    public RabbitMqProducer(Config config) {
        this.config = config;
    }

    /** Bodies are numbered when more than one message is sent: "Hello World! #1", "Hello World! #2", ... */
    static String body(String message, int number, int count) {
        return count == 1 ? message : message + " #" + number;
    }

    public Result publish() throws Exception {
        try (Connection connection = RabbitMqConnections.connect(config.url(), "rabbitmq-producer");
             Channel channel = connection.createChannel()) {
            config.queue().declare(channel);

            // Publisher confirms: the broker acks each message once it has taken responsibility for it
            // (for a persistent message on a durable queue: written to disk). Without confirms a message
            // lost on the way, or during a broker restart, is lost silently.
            channel.confirmSelect();
            ConcurrentNavigableMap<Long, Pending> outstanding = new ConcurrentSkipListMap<>();
            Set<String> returned = ConcurrentHashMap.newKeySet();
            Semaphore window = new Semaphore(CONFIRM_WINDOW);
            AtomicInteger confirmed = new AtomicInteger();
            AtomicInteger nacked = new AtomicInteger();
            AtomicInteger unroutable = new AtomicInteger();

            // mandatory=true below: a message no queue would receive comes back here instead of vanishing.
            channel.addReturnListener(r -> {
                returned.add(r.getProperties().getMessageId());
                log.warn("unroutable: no queue is bound for routing key '{}' ({} {})", r.getRoutingKey(),
                        r.getReplyCode(), r.getReplyText());
            });
            channel.addConfirmListener(
                    (seqNo, multiple) -> settle(outstanding, seqNo, multiple, window, p -> {
                        if (returned.remove(p.messageId())) {
                            unroutable.incrementAndGet();
                        } else {
                            confirmed.incrementAndGet();
                            log.info("sent '{}' (message id {}, confirmed)", p.body(), p.messageId());
                        }
                    }),
                    (seqNo, multiple) -> settle(outstanding, seqNo, multiple, window, p -> {
                        nacked.incrementAndGet();
                        log.error("the broker could not store '{}' (message id {}, nack)", p.body(), p.messageId());
                    }));

            List<String> ids = new java.util.ArrayList<>(config.count());
            for (int i = 1; i <= config.count(); i++) {
                String body = body(config.message(), i, config.count());
                // A unique message id lets a consumer recognise a message it has already processed.
                String messageId = UUID.randomUUID().toString();
                ids.add(messageId);
                AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                        .contentType("text/plain")
                        .deliveryMode(config.persistent() ? 2 : 1) // 2 = persistent: written to disk
                        .messageId(messageId)
                        .timestamp(new Date())
                        .build();
                window.acquire();
                outstanding.put(channel.getNextPublishSeqNo(), new Pending(body, messageId));
                // The default exchange ("") routes to the queue whose name is the routing key.
                channel.basicPublish("", config.queue().name(), true, properties,
                        body.getBytes(StandardCharsets.UTF_8));
            }

            long deadline = System.nanoTime() + config.confirmTimeout().toNanos();
            while (!outstanding.isEmpty() && System.nanoTime() < deadline) {
                // The confirm listener releases the window as confirms arrive; wait for it to be whole again.
                if (window.tryAcquire(CONFIRM_WINDOW, 100, TimeUnit.MILLISECONDS)) {
                    window.release(CONFIRM_WINDOW);
                }
            }
            int unconfirmed = outstanding.size();
            for (Pending p : outstanding.values()) {
                log.error("no confirm for '{}' (message id {}) within {}", p.body(), p.messageId(),
                        config.confirmTimeout());
            }
            Result result = new Result(config.count(), confirmed.get(), nacked.get(), unroutable.get(), ids);
            if (result.allConfirmed()) {
                log.info("{} of {} messages confirmed by the broker (queue '{}')", result.confirmed(),
                        result.count(), config.queue().name());
            } else {
                log.error("only {} of {} messages confirmed: {} nacked, {} unroutable, {} unanswered",
                        result.confirmed(), result.count(), result.nacked(), result.unroutable(), unconfirmed);
            }
            return result;
        }
    }

    /** A confirm with multiple=true settles every outstanding message up to and including seqNo. */
    private static void settle(ConcurrentNavigableMap<Long, Pending> outstanding, long seqNo, boolean multiple,
                               Semaphore window, java.util.function.Consumer<Pending> action) {
        var settled = multiple ? outstanding.headMap(seqNo, true) : outstanding.subMap(seqNo, true, seqNo, true);
        for (var it = settled.values().iterator(); it.hasNext(); ) {
            action.accept(it.next());
            it.remove();
            window.release();
        }
    }
}
