package io.github.mqexamples.rabbitmq.producer;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import io.github.mqexamples.common.Values;
import io.github.mqexamples.common.rabbitmq.RabbitMqConnections;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/**
 * Async confirms: keep publishing while confirms arrive on the connection's thread, tracking each message by its
 * publish sequence number until it is confirmed. Fastest; the bookkeeping here is the price: the messages waiting
 * for a confirm ({@code outstanding}), a bound on how many ({@code window}), and those to send again
 * ({@code resend}).
 */
final class AsyncConfirms {

    /**
     * By default at most this many messages wait for a confirm at once. Publishing does not wait for each confirm
     * (that costs a round trip per message); the bound keeps memory flat and stops the producer racing far ahead
     * of a broker that has stopped confirming. A few hundred keeps the broker busy.
     */
    static final int DEFAULT_WINDOW = 256;

    private final RabbitMqProducer producer;
    private final ProducerConfig config;
    private final Logger log;
    private final ConcurrentNavigableMap<Long, Message> outstanding = new ConcurrentSkipListMap<>();
    private final LinkedBlockingQueue<Message> resend = new LinkedBlockingQueue<>();
    private final Semaphore window;
    private final AtomicInteger settled = new AtomicInteger();
    private volatile long lastProgress = System.nanoTime();

    AsyncConfirms(RabbitMqProducer producer, ProducerConfig config, Logger log) {
        this.producer = producer;
        this.config = config;
        this.log = log;
        this.window = new Semaphore(config.confirmWindow());
    }

    /** Publishes messages until every one is taken; returns once each it took is confirmed or given up on. */
    void publishAll(Channel channel) throws InterruptedException {
        // Exactly one path takes a message out of `outstanding` (confirm, nack, shutdown or failed publish):
        // whichever removes it owns it, so it is never counted twice nor forgotten.
        channel.addConfirmListener(
                (seqNo, multiple) -> {
                    for (Message m : take(outstanding, seqNo, multiple)) {
                        producer.confirmed(m);
                        settled.incrementAndGet();
                        window.release();
                    }
                    lastProgress = System.nanoTime();
                },
                (seqNo, multiple) -> {
                    for (Message m : take(outstanding, seqNo, multiple)) {
                        window.release();
                        if (m.sends <= config.publishRetries()) {
                            log.warn("the broker nacked '{}' (message id {}): sending it again", m, m.id);
                            resend.add(m);
                        } else {
                            producer.failed(m, "nacked by the broker");
                            settled.incrementAndGet();
                        }
                    }
                    lastProgress = System.nanoTime();
                });
        // The connection dropped: confirms for what was in flight will never come (a recovered channel starts
        // new sequence numbers), so everything unconfirmed is sent again once the client has reconnected.
        channel.addShutdownListener(cause -> {
            List<Message> inFlight = take(outstanding, Long.MAX_VALUE, true);
            if (!inFlight.isEmpty() && cause.isHardError() && !cause.isInitiatedByApplication()) {
                log.warn("connection lost with {} message(s) unconfirmed: they will be sent again", inFlight.size());
            }
            inFlight.forEach(m -> window.release());
            resend.addAll(inFlight);
        });

        // Messages come from a counter the publishing threads share (--threads); this channel is done once the
        // counter is spent and each message it took is settled.
        int taken = 0;
        boolean allTaken = false;
        while (!allTaken || settled.get() < taken) {
            Message m = resend.poll();
            if (m == null && !allTaken) {
                m = producer.nextMessage();
                if (m == null) {
                    allTaken = true;
                } else {
                    taken++;
                }
            }
            if (m == null) {
                m = resend.poll(100, TimeUnit.MILLISECONDS);
            }
            // No confirm for --confirm-timeout: give up on what is left. Not while the broker blocks us (a
            // resource alarm): then no confirm can come, and the wait counts from when it lets go.
            BrokerBlocks blocks = producer.blocks();
            if (!blocks.blocked()
                    && System.nanoTime() - blocks.waitingSince(lastProgress) > config.confirmTimeout().toNanos()) {
                if (m != null) {
                    resend.add(m);
                }
                break;
            }
            if (m == null) {
                continue;
            }
            if (m.sends > config.publishRetries()) {
                producer.failed(m, "connection lost");
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
                producer.send(channel, m);
            } catch (IOException | AlreadyClosedException e) {
                if (outstanding.remove(seqNo, m)) {
                    window.release();
                    resend.add(m);
                }
                // Not back within --confirm-timeout: the check at the top of the loop gives up on what is left.
                RabbitMqConnections.awaitRecovery(channel, config.confirmTimeout());
            }
        }
        // Whatever is left never got an answer in time.
        List<Message> unanswered = new ArrayList<>(take(outstanding, Long.MAX_VALUE, true));
        resend.drainTo(unanswered);
        for (Message m : unanswered) {
            producer.failed(m, "no confirm within " + Values.text(config.confirmTimeout()));
        }
    }

    /** Removes and returns the messages a confirm covers: multiple=true means every one up to seqNo. */
    static List<Message> take(ConcurrentNavigableMap<Long, Message> outstanding, long seqNo, boolean multiple) {
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
}
