package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Peak shaving: a producer sends a burst far faster than the consumer works. The queue absorbs it; the consumer's
 * progress lines show the backlog (the queue's depth) rise, then drain to 0 at the consumer's own pace, and every
 * message is processed once.
 */
class RabbitMqBurstIT {

    static final Duration RUN = Duration.ofSeconds(120);
    static final int BURST = 5000;
    /** "received 1200 so far, 480 msg/s now, queue depth 3650" */
    static final Pattern PROGRESS = Pattern.compile("received (\\d+) so far, \\d+ msg/s now, queue depth (\\d+)");

    @Test
    void aBurstIsAbsorbedByTheQueueAndDrainedAtTheConsumersPace() throws Exception {
        Map<String, String> env = Rabbit.env(Await.unique("burst"));
        String queue = env.get("RABBITMQ_QUEUE");
        // 2 ms of work per message: at most 500 a second, ten times slower than the producer.
        Programs.Running consumer = Programs.start("rabbitmq-consumer", env, "--log-messages", "false",
                "--work-ms", "2", "--prefetch", "10");
        try {
            consumer.awaitLine(l -> l.contains("waiting for messages"), RUN);
            Programs.Running producer = Programs.run(RUN, "rabbitmq-producer", env, "--count", String.valueOf(BURST),
                    "--log-messages", "false");
            assertEquals(0, producer.exitCode(), producer.output());
            assertContains(producer.output(), BURST + " of " + BURST + " messages confirmed by the broker");

            // The backlog drains: a progress line with every message received and nothing left waiting.
            consumer.awaitLine(l -> l.matches(".*received " + BURST + " so far, \\d+ msg/s now, queue depth 0"), RUN);
            List<long[]> progress = consumer.lines().stream().map(PROGRESS::matcher).filter(Matcher::find)
                    .map(m -> new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))}).toList();
            long peak = progress.stream().mapToLong(p -> p[1]).max().orElse(-1);
            System.out.printf("[burst] %d progress lines, the queue's depth peaked at %d%n", progress.size(), peak);
            // It rose: the burst waited in the queue rather than in the consumer (which holds at most its prefetch).
            assertTrue(peak >= BURST / 2, "the queue depth peaked at " + peak + ": " + progress.size() + " lines");
            // ... and fell while the consumer worked through it: received grows as the depth shrinks.
            long[] atPeak = progress.stream().filter(p -> p[1] == peak).findFirst().orElseThrow();
            long[] last = progress.get(progress.size() - 1);
            assertTrue(last[0] > atPeak[0] && last[1] == 0, "at the peak " + atPeak[0] + " received; at the end "
                    + last[0] + " with depth " + last[1]);
            assertEquals(0, Rabbit.ready(queue).orElse(-1));
        } finally {
            consumer.terminate();
        }
        assertEquals(0, consumer.awaitExit(RUN), consumer.output());
        // Nothing lost, nothing applied twice: each of the 5000 ids processed once (a copy would be skipped, not
        // counted), and none went to the dead-letter queue.
        assertContains(consumer.output(), "stopped after " + BURST + " message(s)");
        assertContains(consumer.output(), "summary: " + BURST + " messages received");
        assertEquals(0, Rabbit.readyOrMinusOne(queue + ".dlq"));
    }
}
