package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.GetResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A bounded queue ({@code --max-length}): a burst beyond what it may hold is refused, and the producer reports every
 * refused message ({@code --overflow reject-publish}), or it pushes out the oldest ({@code drop-head}), which the
 * quorum queue dead-letters to {@code <queue>.dlq}. Either way nothing disappears without a trace.
 */
class RabbitMqBoundedQueueIT {

    static final Duration RUN = Duration.ofSeconds(60);

    /**
     * A classic queue refuses exactly at the limit. (A quorum queue applies reject-publish once it has told the
     * publishing channels that it is full: here a burst of 10 into a limit of 5 was accepted whole.)
     */
    @Test
    void rejectPublishRefusesWhatDoesNotFitAndTheProducerReportsEachOne() {
        Map<String, String> env = Rabbit.env(Await.unique("bounded-reject"));
        Programs.Running producer = Programs.run(RUN, "rabbitmq-producer", env, "--count", "10", "--max-length", "5",
                "--queue-type", "classic");
        assertEquals(1, producer.exitCode(), producer.output());
        List<String> stored = bodies(env.get("RABBITMQ_QUEUE"));
        // 5, the limit (RabbitMQ 3.10 was once seen to take one more: the counts follow what it stored).
        assertTrue(stored.size() == 5 || stored.size() == 6, "stored: " + stored);
        assertEquals(List.of("Hello World! #1", "Hello World! #2", "Hello World! #3", "Hello World! #4",
                "Hello World! #5"), stored.subList(0, 5));
        // Every message the queue refused is reported, by number; none is counted as sent.
        assertContains(producer.output(), "only " + stored.size() + " of 10 messages confirmed: "
                + (10 - stored.size()) + " failed, 0 unroutable");
        for (int i = stored.size() + 1; i <= 10; i++) {
            assertContains(producer.output(), "giving up on 'Hello World! #" + i + "'");
        }
    }

    @Test
    void dropHeadKeepsTheNewestAndTheOldestGoToTheDeadLetterQueue() throws Exception {
        Map<String, String> env = Rabbit.env(Await.unique("bounded-drop"));
        String queue = env.get("RABBITMQ_QUEUE");
        Programs.Running producer = Programs.run(RUN, "rabbitmq-producer", env, "--count", "10", "--max-length", "5",
                "--overflow", "drop-head");
        assertEquals(0, producer.exitCode(), producer.output());
        assertContains(producer.output(), "10 of 10 messages confirmed by the broker");
        // Every publish was accepted; the queue made room by dropping its oldest. A quorum queue with a
        // dead-letter target hands what it drops there (reason maxlen): out of the queue, but not gone.
        assertEquals(List.of("Hello World! #6", "Hello World! #7", "Hello World! #8", "Hello World! #9",
                "Hello World! #10"), bodies(queue));
        Await.until("the 5 dropped messages are dead-lettered", RUN,
                () -> Rabbit.readyOrMinusOne(queue + ".dlq") == 5);
        List<GetResponse> dropped = Rabbit.drain(queue + ".dlq");
        assertEquals(List.of("Hello World! #1", "Hello World! #2", "Hello World! #3", "Hello World! #4",
                "Hello World! #5"), dropped.stream().map(Rabbit::body).toList());
        assertEquals("maxlen", String.valueOf(dropped.get(0).getProps().getHeaders().get("x-first-death-reason")));
    }

    @Test
    void aWrongOverflowIsNamed() {
        Programs.Running run = Programs.run(RUN, "rabbitmq-consumer", Map.of(), "--overflow", "drop-tail");
        assertEquals(2, run.exitCode(), run.output());
        assertContains(run.output(), "invalid --overflow: 'drop-tail', expected one of reject-publish, drop-head");
    }

    private static List<String> bodies(String queue) {
        try {
            return Rabbit.drain(queue).stream().map(Rabbit::body).toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
