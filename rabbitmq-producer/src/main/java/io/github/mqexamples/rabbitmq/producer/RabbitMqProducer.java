package io.github.mqexamples.rabbitmq.producer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.github.mqexamples.common.BrokerException;
import io.github.mqexamples.common.Log;
import io.github.mqexamples.common.MessageIds;
import io.github.mqexamples.common.Pacer;
import io.github.mqexamples.common.Throughput;
import io.github.mqexamples.common.rabbitmq.AmqpUrl;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import io.github.mqexamples.common.rabbitmq.RabbitMqConnections;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/**
 * Publishes messages with publisher confirms. A message counts as sent only once the broker has confirmed it;
 * a message the broker nacks, or does not confirm in time, or that was in flight when the connection dropped,
 * is sent again (with the same message id, so a consumer can recognise the copy) up to {@code publishRetries}
 * times, and then reported as failed. Never silently lost.
 */
public final class RabbitMqProducer {

    /**
     * What the broker said about the messages: confirmed (safely stored), nacked, or returned as unroutable;
     * {@code resent} counts the publishes beyond each message's first (after a nack, a timeout or a lost
     * connection).
     */
    public record Result(int count, int confirmed, int nacked, int unroutable, int resent, List<String> messageIds) {
        public boolean allConfirmed() {
            return confirmed == count;
        }
    }

    /** One message on its way: a body and an id that stays the same across re-sends. */
    static final class Message {
        final byte[] body;
        final String id;
        int sends;

        Message(byte[] body, String id) {
            this.body = body;
            this.id = id;
        }

        /** The body as text for log lines (a padded body shows its first 60 characters). */
        @Override
        public String toString() {
            String text = new String(body, 0, Math.min(body.length, 60), StandardCharsets.UTF_8);
            return body.length > 60 ? text + "..." : text;
        }
    }

    /**
     * With async confirms, by default at most this many messages wait for a confirm at once. Publishing does not
     * wait for each confirm (that costs a round trip per message); the bound keeps memory flat and stops the
     * producer racing far ahead of a broker that has stopped confirming. A few hundred keeps the broker busy.
     */
    public static final int CONFIRM_WINDOW = 256;

    /** Message ids are kept for the result up to this count (tests look at them; a million would not fit). */
    static final int KEEP_IDS = 10_000;

    private final ProducerConfig config;
    private final Logger log = Log.forProgram("rabbitmq-producer");
    private final Set<String> returned = ConcurrentHashMap.newKeySet();
    private final AtomicInteger confirmed = new AtomicInteger();
    private final AtomicInteger nacked = new AtomicInteger();
    private final AtomicInteger unroutable = new AtomicInteger();
    private final AtomicInteger resent = new AtomicInteger();
    private final List<String> ids = new ArrayList<>();
    private final Pacer pacer;
    private final Throughput throughput;

    public RabbitMqProducer(ProducerConfig config) {
        this.config = config;
        this.throughput = new Throughput("sent", log, !config.logMessages());
        this.pacer = new Pacer(config.rate());
    }

    /** Bodies are numbered when more than one message is sent: "Hello World! #1", "Hello World! #2", ... */
    static String body(String message, int number, int count) {
        return count == 1 ? message : message + " #" + number;
    }

    /** The body's bytes, padded with dots (or cut) to {@code size} bytes when a size is given. */
    static byte[] bytes(String body, int size) {
        byte[] text = body.getBytes(StandardCharsets.UTF_8);
        if (size == 0 || size == text.length) {
            return text;
        }
        byte[] sized = new byte[size];
        Arrays.fill(sized, (byte) '.');
        System.arraycopy(text, 0, sized, 0, Math.min(size, text.length));
        return sized;
    }

    public Result publish() throws Exception {
        try (Connection connection = RabbitMqConnections.connect(config.url(), "rabbitmq-producer")) {
            Channel channel = connection.createChannel();
            if (config.exchange().isEmpty()) {
                config.queue().declare(channel);
            } else {
                // Routing is the consumers' business: they bind their queues to the exchange. The producer
                // only makes sure the exchange exists.
                channel.exchangeDeclare(config.exchange(), BuiltinExchangeType.DIRECT, true);
            }

            // mandatory=true on every publish: a message no queue would receive comes back here instead of
            // being dropped by the broker without a word (the "consumer receives nothing" problem).
            channel.addReturnListener(r -> {
                returned.add(r.getProperties().getMessageId());
                log.warn("unroutable: no queue is bound to exchange '{}' with routing key '{}' ({} {})",
                        r.getExchange(), r.getRoutingKey(), r.getReplyCode(), r.getReplyText());
            });

            // Publisher confirms: the broker acks each message once it has taken responsibility for it (for a
            // persistent message on a durable queue: written to disk). Without confirms, a message lost on the
            // way or during a broker restart is lost silently.
            channel.confirmSelect();
            throughput.start();
            switch (config.confirm()) {
                case INDIVIDUAL -> publishInBatches(channel, 1);
                case BATCH -> publishInBatches(channel, config.batchSize());
                case ASYNC -> publishAsync(channel);
            }
            channel.close();
        } finally {
            throughput.close();
        }
        if (throughput.worthASummary()) {
            log.info(throughput.summary());
        }
        Result result = new Result(config.count(), confirmed.get(), nacked.get(), unroutable.get(), resent.get(),
                List.copyOf(ids));
        if (result.allConfirmed()) {
            log.info("{} of {} messages confirmed by the broker ({})", result.confirmed(), result.count(), target());
        } else {
            log.error("only {} of {} messages confirmed: {} failed, {} unroutable", result.confirmed(),
                    result.count(), result.nacked(), result.unroutable());
        }
        return result;
    }

    private String target() {
        return config.exchange().isEmpty() ? "queue '" + config.queue().name() + "'"
                : "exchange '" + config.exchange() + "', routing key '" + config.routingKeyOrQueue() + "'";
    }

    private Message next(int number) {
        String id = config.messageId() == null ? MessageIds.next()
                : config.count() == 1 ? config.messageId() : config.messageId() + "-" + number;
        Message m = new Message(bytes(body(config.message(), number, config.count()), config.size()), id);
        if (config.count() <= KEEP_IDS) {
            ids.add(m.id);
        }
        return m;
    }

    /** One basicPublish, paced to --rate. */
    private void send(Channel channel, Message m) throws IOException, InterruptedException {
        pacer.await();
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType("text/plain")
                .deliveryMode(config.persistent() ? 2 : 1) // 2 = persistent: written to disk
                .messageId(m.id) // lets a consumer recognise a message it has already processed
                .timestamp(new Date())
                // For end-to-end latency: the consumer subtracts this from the time it receives the message.
                .headers(Map.of(Throughput.SENT_AT_HEADER, Throughput.nowMicros()))
                .build();
        if (++m.sends > 1) {
            resent.incrementAndGet();
        }
        channel.basicPublish(config.exchange(), config.routingKeyOrQueue(), true, properties, m.body);
    }

    /** The broker confirmed m: sent, unless it came back as unroutable first. */
    private void confirmed(Message m) {
        if (returned.remove(m.id)) {
            unroutable.incrementAndGet();
        } else {
            confirmed.incrementAndGet();
            throughput.record(m.body.length, 0);
            if (config.logMessages()) {
                log.info("sent '{}' (message id {}, confirmed)", m, m.id);
            }
        }
    }

    private void failed(Message m, String why) {
        nacked.incrementAndGet();
        log.error("giving up on '{}' (message id {}) after {} send(s): {}", m, m.id, m.sends, why);
    }

    /**
     * Individual (size 1) and batch confirms: publish a batch, then block until the broker has confirmed all
     * of it. Simple, and a failure is easy to handle: re-send the whole batch. The price is a round trip per
     * batch; batch size 1 is the slowest and the simplest.
     */
    private void publishInBatches(Channel channel, int size) throws InterruptedException {
        for (int start = 1; start <= config.count(); start += size) {
            List<Message> batch = new ArrayList<>();
            for (int n = start; n < start + size && n <= config.count(); n++) {
                batch.add(next(n));
            }
            for (int attempt = 0; ; attempt++) {
                String problem;
                try {
                    for (Message m : batch) {
                        send(channel, m);
                    }
                    // false: the broker nacked at least one of them (we cannot tell which: re-send them all).
                    problem = channel.waitForConfirms(config.confirmTimeout().toMillis()) ? null : "nacked by the broker";
                } catch (TimeoutException e) {
                    problem = "no confirm within " + config.confirmTimeout();
                } catch (IOException | AlreadyClosedException e) {
                    problem = "connection lost (" + e.getMessage() + ")";
                    awaitOpen(channel);
                }
                if (problem == null) {
                    batch.forEach(this::confirmed);
                    break;
                }
                if (attempt >= config.publishRetries()) {
                    for (Message m : batch) {
                        failed(m, problem);
                    }
                    break;
                }
                log.warn("re-sending {} message(s): {}", batch.size(), problem);
            }
        }
    }

    /**
     * Async confirms: keep publishing while confirms arrive on the connection's thread, tracking each message by
     * its publish sequence number until it is confirmed. Fastest; the bookkeeping below is the price.
     */
    private void publishAsync(Channel channel) throws InterruptedException {
        ConcurrentNavigableMap<Long, Message> outstanding = new ConcurrentSkipListMap<>();
        LinkedBlockingQueue<Message> resend = new LinkedBlockingQueue<>();
        Semaphore window = new Semaphore(config.confirmWindow());
        AtomicInteger settled = new AtomicInteger();
        long[] lastProgress = {System.nanoTime()};

        // Exactly one path takes a message out of `outstanding` (confirm, nack, shutdown or failed publish):
        // whichever removes it owns it, so it is never counted twice nor forgotten.
        channel.addConfirmListener(
                (seqNo, multiple) -> {
                    for (Message m : take(outstanding, seqNo, multiple)) {
                        confirmed(m);
                        settled.incrementAndGet();
                        window.release();
                    }
                    lastProgress[0] = System.nanoTime();
                },
                (seqNo, multiple) -> {
                    for (Message m : take(outstanding, seqNo, multiple)) {
                        window.release();
                        if (m.sends <= config.publishRetries()) {
                            log.warn("the broker nacked '{}' (message id {}): sending it again", m, m.id);
                            resend.add(m);
                        } else {
                            failed(m, "nacked by the broker");
                            settled.incrementAndGet();
                        }
                    }
                    lastProgress[0] = System.nanoTime();
                });
        // The connection dropped: confirms for what was in flight will never come (a recovered channel starts
        // new sequence numbers), so everything unconfirmed is sent again once the client has reconnected.
        channel.addShutdownListener(cause -> {
            List<Message> inFlight = take(outstanding, Long.MAX_VALUE, true);
            if (!inFlight.isEmpty() && !cause.isInitiatedByApplication()) {
                log.warn("connection lost with {} message(s) unconfirmed: they will be sent again", inFlight.size());
            }
            inFlight.forEach(m -> window.release());
            resend.addAll(inFlight);
        });

        int nextNumber = 1;
        while (settled.get() < config.count()) {
            Message m = resend.poll();
            if (m == null && nextNumber <= config.count()) {
                m = next(nextNumber++);
            }
            if (m == null) {
                m = resend.poll(100, TimeUnit.MILLISECONDS);
            }
            if (System.nanoTime() - lastProgress[0] > config.confirmTimeout().toNanos()) {
                if (m != null) {
                    resend.add(m);
                }
                break;
            }
            if (m == null) {
                continue;
            }
            if (m.sends > config.publishRetries()) {
                failed(m, "connection lost");
                settled.incrementAndGet();
                continue;
            }
            if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                resend.add(m);
                continue;
            }
            long seqNo = channel.getNextPublishSeqNo();
            outstanding.put(seqNo, m);
            try {
                send(channel, m);
            } catch (IOException | AlreadyClosedException e) {
                if (outstanding.remove(seqNo, m)) {
                    window.release();
                    resend.add(m);
                }
                awaitOpen(channel);
            }
        }
        // Whatever is left never got an answer in time.
        List<Message> unanswered = new ArrayList<>(take(outstanding, Long.MAX_VALUE, true));
        resend.drainTo(unanswered);
        for (Message m : unanswered) {
            failed(m, "no confirm within " + config.confirmTimeout());
        }
    }

    /** Removes and returns the messages a confirm covers: multiple=true means every one up to seqNo. */
    private static List<Message> take(ConcurrentNavigableMap<Long, Message> outstanding, long seqNo, boolean multiple) {
        var covered = multiple ? outstanding.headMap(seqNo, true) : outstanding.subMap(seqNo, true, seqNo, true);
        List<Message> taken = new ArrayList<>();
        for (Long key : List.copyOf(covered.keySet())) {
            Message m = outstanding.remove(key);
            if (m != null) {
                taken.add(m);
            }
        }
        return taken;
    }

    /** After a connection loss, the client reconnects by itself (automatic recovery); wait for it. */
    private void awaitOpen(Channel channel) throws InterruptedException {
        long deadline = System.nanoTime() + config.confirmTimeout().toNanos();
        while (!channel.isOpen()) {
            if (System.nanoTime() > deadline) {
                throw new BrokerException("the connection to RabbitMQ at " + config.url().address()
                        + " was lost and did not come back within " + config.confirmTimeout());
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }
}
