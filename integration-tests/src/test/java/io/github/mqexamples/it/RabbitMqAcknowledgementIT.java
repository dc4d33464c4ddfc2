package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Delivery;
import io.github.mqexamples.common.SimulatedWork;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import io.github.mqexamples.rabbitmq.consumer.AckMode;
import io.github.mqexamples.rabbitmq.consumer.ConsumerConfig;
import io.github.mqexamples.rabbitmq.consumer.RabbitMqConsumer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Message acknowledgement: what manual ack, auto ack, batched acks and prefetch really do on the broker. */
class RabbitMqAcknowledgementIT {

    static ConsumerConfig slowConsumer(QueueSpec queue, int prefetch, int workMs, int maxMessages) {
        return ConsumerConfig.builder(Rabbit.url(), queue).ack(AckMode.MANUAL).prefetch(prefetch)
                .work(new SimulatedWork(Duration.ofMillis(workMs), null, 0)).maxMessages(maxMessages).build();
    }

    @Test
    void manualAckKeepsHeldMessagesUnacknowledgedAndPrefetchBoundsThem() throws Exception {
        QueueSpec queue = new QueueSpec(Await.unique("ack"), true, "quorum");
        int published = 80;
        Rabbit.publish(queue, true, published);

        long maxUnacked = 0;
        int processed;
        // A slow consumer (0.5 s per message, 40 s for all) with prefetch 3 and no message limit: more work than
        // the test waits for. It is stopped as soon as the broker's statistics (every 1 s here, 5 s on a default
        // broker, several seconds late for a new queue) have shown what it holds.
        try (Rabbit.Background consumer = new Rabbit.Background(new RabbitMqConsumer(slowConsumer(queue, 3, 500, 0)))) {
            // While the slow consumer works, the broker shows the messages it holds as unacknowledged:
            // never more than the prefetch of 3.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            boolean sawThree = false;
            while (!sawThree && System.nanoTime() < deadline) {
                long unacked = Rabbit.stat(queue.name(), "messages_unacknowledged");
                maxUnacked = Math.max(maxUnacked, unacked);
                sawThree = unacked == 3;
                Thread.sleep(100); // sampling the statistics, not waiting for a result
            }
            assertTrue(sawThree, "the management API never showed 3 unacknowledged messages");
            assertContains(Rabbit.queueJson(queue.name()), "\"prefetch_count\":3");
            consumer.consumer.stop();
            processed = consumer.awaitEnd(Duration.ofSeconds(30));
        }
        assertTrue(maxUnacked <= 3, "unacknowledged went above the prefetch: " + maxUnacked);
        assertTrue(processed >= 1 && processed < published, "processed " + processed + " of " + published);
        // The processed ones were acked; the two or three it held but had not processed went back to the queue
        // when it closed: nothing unacknowledged, and everything not processed is ready again.
        Await.until("statistics show 0 unacknowledged", Duration.ofSeconds(20),
                () -> Await.orElse(-1L, () -> Rabbit.stat(queue.name(), "messages_unacknowledged")) == 0);
        Await.until("the unprocessed messages are ready again", Duration.ofSeconds(10),
                () -> Await.orElse(-1L, () -> Rabbit.ready(queue.name()).getAsLong()) == published - processed);
    }

    @Test
    void aConsumerKilledBeforeAckingHasEveryHeldMessageRedelivered() throws Exception {
        String name = Await.unique("crash-manual");
        QueueSpec queue = new QueueSpec(name, true, "quorum");
        Rabbit.publish(queue, true, 5);

        Programs.Running crashing = Programs.start("rabbitmq-consumer", Rabbit.env(name), "--work-ms", "60000",
                "--prefetch", "5");
        crashing.awaitLine(l -> l.contains("received 'Hello World! #1'"), Duration.ofSeconds(60));
        crashing.kill(); // SIGKILL: no shutdown hook, no ack, no clean close
        crashing.awaitExit(Duration.ofSeconds(30));

        List<Delivery> received = Collections.synchronizedList(new ArrayList<>());
        RabbitMqConsumer next = new RabbitMqConsumer(
                ConsumerConfig.builder(Rabbit.url(), queue).prefetch(10).maxMessages(5).build(),
                (delivery, body) -> received.add(delivery));
        assertEquals(5, Await.within(Duration.ofSeconds(30), next::run));
        assertEquals(List.of("Hello World! #1", "Hello World! #2", "Hello World! #3", "Hello World! #4",
                "Hello World! #5"), received.stream().map(d -> new String(d.getBody(), StandardCharsets.UTF_8)).toList());
        for (Delivery d : received) {
            assertTrue(d.getEnvelope().isRedeliver(), "delivered to the killed consumer first: redelivered=true");
        }
    }

    /**
     * Acks go in batches (one multiple=true ack per 20 messages here), so a burst of 23 leaves 3 processed but not
     * yet acked: the timer acks them although no more messages come. Proven on the broker: its statistics reach 0
     * unacknowledged while the consumer still runs, and a SIGKILL afterwards puts nothing back in the queue.
     */
    @Test
    void batchedAcksAlsoSettleTheLastMessagesOfABurst() throws Exception {
        String name = Await.unique("ack-batch");
        QueueSpec queue = new QueueSpec(name, true, "quorum");
        Rabbit.publish(queue, true, 23);

        // --ack-every 25 (the default) is capped at half the prefetch: 20.
        Programs.Running consumer = Programs.start("rabbitmq-consumer", Rabbit.env(name), "--prefetch", "40");
        assertContains(consumer.awaitLine(l -> l.contains("waiting for messages"), Duration.ofSeconds(60)),
                "manual ack every 20 messages, prefetch 40");
        consumer.awaitLine(l -> l.contains("received 'Hello World! #23'"), Duration.ofSeconds(30));
        // One snapshot of the statistics that has seen all 23 acks (a running total, so an old snapshot shows
        // fewer, never 23) and nothing unacknowledged: what a snapshot taken before the messages arrived, with
        // 0 and 0, cannot pass for.
        Await.until("statistics show 23 acks and 0 unacknowledged while the consumer runs", Duration.ofSeconds(30),
                () -> {
                    String json = Await.orElse("", () -> Rabbit.queueJson(name));
                    return Rabbit.number(json, "ack") == 23 && Rabbit.number(json, "messages_unacknowledged") == 0
                            && Rabbit.number(json, "messages_ready") == 0;
                });
        assertTrue(consumer.process().isAlive(), "the acks came while the consumer ran, not from its exit");

        consumer.kill();
        consumer.awaitExit(Duration.ofSeconds(30));
        assertEquals(0, Rabbit.readyOnceConsumersLeft(name), "nothing was left unacknowledged to be requeued");
    }

    @Test
    void autoAckLosesWhatWasInFlightWhenTheConsumerDies() throws Exception {
        String name = Await.unique("crash-auto");
        QueueSpec queue = new QueueSpec(name, true, "quorum");
        Rabbit.publish(queue, true, 5);
        assertEquals(5, Rabbit.ready(name).getAsLong());

        Programs.Running crashing = Programs.start("rabbitmq-consumer", Rabbit.env(name), "--ack", "auto",
                "--work-ms", "60000");
        assertContains(crashing.awaitLine(l -> l.contains("waiting for messages"), Duration.ofSeconds(60)), "auto ack");
        crashing.awaitLine(l -> l.contains("received 'Hello World! #1'"), Duration.ofSeconds(60));
        crashing.kill();
        crashing.awaitExit(Duration.ofSeconds(30));

        // With auto ack the broker forgot each message as it sent it: one was half processed, four were
        // waiting in the dead consumer's memory. None comes back, even once the broker has seen it die.
        assertEquals(0, Rabbit.readyOnceConsumersLeft(name), "the five messages are gone");
        assertEquals(1, crashing.lines().stream().filter(Pattern.compile("received '")
                .asPredicate()).count(), "only one was even looked at: " + crashing.output());
    }
}
