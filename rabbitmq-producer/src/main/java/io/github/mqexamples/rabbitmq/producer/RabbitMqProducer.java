package io.github.mqexamples.rabbitmq.producer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ReturnCallback;
import io.github.mqexamples.common.Log;
import io.github.mqexamples.common.MessageBodies;
import io.github.mqexamples.common.MessageIds;
import io.github.mqexamples.common.Pacer;
import io.github.mqexamples.common.Parallel;
import io.github.mqexamples.common.Throughput;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import io.github.mqexamples.common.rabbitmq.RabbitMqConnections;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/**
 * The producer, in the order of the Go sample: connect, declare the queue, publish, wait for the broker's confirms,
 * close. A message counts as sent only once the broker has confirmed it; a message the broker nacks, or does not
 * confirm in time, or that was in flight when the connection dropped, is sent again (with the same message id, so
 * a consumer can recognise the copy) up to {@code publishRetries} times, then reported as failed: never silently
 * lost. How it waits for confirms has files of its own: {@link BatchConfirms} and {@link AsyncConfirms}.
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

    /** Message ids are kept for the result up to this count (tests look at them; a million would not fit). */
    static final int KEEP_IDS = 10_000;

    private final ProducerConfig config;
    private final Logger log = Log.forProgram("rabbitmq-producer");
    private final Set<String> returned = ConcurrentHashMap.newKeySet();
    private final AtomicInteger confirmed = new AtomicInteger();
    private final AtomicInteger nacked = new AtomicInteger();
    private final AtomicInteger unroutable = new AtomicInteger();
    private final AtomicInteger resent = new AtomicInteger();
    private final List<String> ids = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger numbers = new AtomicInteger();
    private final Pacer pacer;
    private final Throughput throughput;
    private final BrokerBlocks blocks = new BrokerBlocks(log);

    public RabbitMqProducer(ProducerConfig config) {
        this.config = config;
        this.throughput = new Throughput("sent", log, !config.logMessages());
        this.pacer = new Pacer(config.rate());
    }

    public Result publish() throws Exception {
        // One connection for the program's life. After a network blip or a broker restart the client reconnects
        // by itself (automatic recovery); what was unconfirmed then is sent again.
        Connection connection = RabbitMqConnections.connect(config.url(), "rabbitmq-producer");
        try {
            // A broker short of memory or disk blocks its publishers until the alarm clears: wait, do not give up.
            connection.addBlockedListener(blocks);
            Channel channel = connection.createChannel();
            if (config.exchange().isEmpty()) {
                // Producer and consumer both declare the queue: whichever starts first creates it, and both must
                // declare it alike or the broker refuses. A quorum queue names its dead-letter queue: that first.
                QueueSpec queue = config.queue();
                if (queue.quorum()) {
                    queue.declareDeadLetterQueue(channel);
                }
                try {
                    // durable: the queue survives a broker restart; exclusive and autoDelete false: it outlives us.
                    channel.queueDeclare(queue.name(), queue.durable(), false, false, queue.arguments());
                } catch (IOException e) {
                    throw queue.declarationError(e); // e.g. PRECONDITION_FAILED: it exists with other settings
                }
            } else {
                // Routing is the consumers' business: they bind their queues to the exchange. The producer
                // only makes sure the exchange exists.
                channel.exchangeDeclare(config.exchange(), config.exchangeType().builtin(), true);
            }

            // mandatory=true on every publish: a message no queue would receive comes back here instead of
            // being dropped by the broker without a word (the "consumer receives nothing" problem).
            ReturnCallback returns = r -> {
                returned.add(r.getProperties().getMessageId());
                log.warn("unroutable: no queue is bound to exchange '{}' with routing key '{}' ({} {})",
                        r.getExchange(), r.getRoutingKey(), r.getReplyCode(), r.getReplyText());
            };
            // --threads: publishing threads share this one connection, each with a channel of its own. A connection
            // is expensive (a TCP socket and a process on the broker, heartbeats); a channel is cheap. A channel is
            // never shared between publishing threads: confirms are numbered per channel, so a thread could not tell
            // which confirms are for its messages.
            List<Channel> channels = new ArrayList<>(List.of(channel));
            while (channels.size() < config.threads()) {
                channels.add(connection.createChannel());
            }
            for (Channel c : channels) {
                c.addReturnListener(returns);
                // Publisher confirms: the broker acks each message once it has taken responsibility for it (for a
                // persistent message on a durable queue: written to disk). Without confirms, a message lost on the
                // way or during a broker restart is lost silently.
                c.confirmSelect();
            }
            if (channels.size() > 1) {
                log.info("publishing from {} threads, each on a channel of its own, over one connection",
                        channels.size());
            }
            throughput.start();
            Parallel.forEach("publisher", channels, c -> {
                switch (config.confirm()) {
                    case INDIVIDUAL -> new BatchConfirms(this, config, log).publishAll(c, 1);
                    case BATCH -> new BatchConfirms(this, config, log).publishAll(c, config.batchSize());
                    case ASYNC -> new AsyncConfirms(this, config, log).publishAll(c);
                }
            });
        } finally {
            throughput.close();
            RabbitMqConnections.closeQuietly(connection);
        }
        throughput.logSummary();
        Result result = new Result(config.count(), confirmed.get(), nacked.get(), unroutable.get(), resent.get(),
                List.copyOf(ids));
        String again = result.resent() == 0 ? "" : "; " + result.resent() + " publish(es) were repeated after a lost"
                + " connection, a nack or no confirm in time";
        if (result.allConfirmed()) {
            log.info("{} of {} messages confirmed by the broker ({}){}", result.confirmed(), result.count(), target(),
                    again);
        } else {
            // Given up on after --confirm-timeout: the numbers never taken were never published. Each message given
            // up on has a line of its own above (giving up on ...): together, exactly what was not confirmed.
            int taken = Math.min(numbers.get(), config.count());
            log.error("only {} of {} messages confirmed: {} failed, {} unroutable{}{}", result.confirmed(),
                    result.count(), result.nacked(), result.unroutable(), taken == config.count() ? ""
                            : ", " + (config.count() - taken) + " never sent (#" + (taken + 1) + " to #"
                            + config.count() + ")", again);
        }
        return result;
    }

    /** The next message to publish, numbered from 1; null once all --count are taken (by any thread). */
    Message nextMessage() {
        int number = numbers.incrementAndGet();
        return number > config.count() ? null : next(number);
    }

    /** Message {@code number} (from 1), with its id. */
    private Message next(int number) {
        String id = config.messageId() == null ? MessageIds.next()
                : config.count() == 1 ? config.messageId() : config.messageId() + "-" + number;
        Message m = new Message(MessageBodies.numbered(config.message(), number, config.count(), config.size()), id);
        if (config.count() <= KEEP_IDS) {
            ids.add(m.id);
        }
        return m;
    }

    /** Publishes m once, paced to --rate; the confirm comes later (BatchConfirms, AsyncConfirms wait for it). */
    void send(Channel channel, Message m) throws IOException, InterruptedException {
        pacer.await();
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType("text/plain")
                .deliveryMode(config.persistent() ? 2 : 1) // 2 = persistent: written to disk
                .messageId(m.id) // lets a consumer recognise a message it has already processed
                .timestamp(new Date())
                // For end-to-end latency: the consumer subtracts this from the time it receives the message.
                // --header pairs too: what a headers exchange routes by.
                .headers(config.headersAnd(Throughput.SENT_AT_HEADER, Throughput.nowMicros()))
                .build();
        if (++m.sends > 1) {
            resent.incrementAndGet();
        }
        // mandatory=true: returned if unroutable (see the return listener above), not dropped.
        channel.basicPublish(config.exchange(), config.routingKeyOrQueue(), true, properties, m.body);
    }

    /** The broker confirmed m: sent, unless it came back as unroutable first. */
    void confirmed(Message m) {
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

    BrokerBlocks blocks() {
        return blocks;
    }

    /** Sent as often as --publish-retries allows, never confirmed: reported, and the exit code will say so. */
    void failed(Message m, String why) {
        nacked.incrementAndGet();
        log.error("giving up on '{}' (message id {}) after {} send(s): {}", m, m.id, m.sends, why);
    }

    private String target() {
        return config.exchange().isEmpty() ? "queue '" + config.queue().name() + "'"
                : "exchange '" + config.exchange() + "', routing key '" + config.routingKeyOrQueue() + "'";
    }
}
