package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/** Scenario 9: SIGTERM (or Ctrl-C) to the consumer jar finishes the record in hand, commits, exits 0. */
class KafkaShutdownIT {

    static final Duration RUN = Duration.ofSeconds(60);

    @Test
    void sigtermCommitsWhatWasProcessedAndExitsZero() throws Exception {
        String servers = TestBrokers.kafka().bootstrapServers();
        String topic = Await.unique("shutdown");
        String group = topic + "-group";
        Map<String, String> env = KafkaTests.env(servers, topic, group);
        Programs.Running producer = Programs.run(RUN, "kafka-producer", env, "--count", "6", "--partitions", "1");
        assertEquals(0, producer.exitCode(), producer.output());

        // One second per record: SIGTERM arrives while the consumer is in the middle of its first batch,
        // long before the batch's own commit. Async commits in the loop; the last one is synchronous.
        Programs.Running consumer = Programs.start("kafka-consumer", env, "--work-ms", "1000", "--commit", "async");
        consumer.awaitLine(l -> l.contains("value='Hello Kafka! #2'"), RUN);
        long t0 = System.nanoTime();
        consumer.terminate();
        assertEquals(0, consumer.awaitExit(Duration.ofSeconds(30)), consumer.output());
        // Not stuck until the 20 s shutdown timeout; what it finished is checked below, not guessed from the time.
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(15).toNanos(), "exited within seconds");

        List<Matcher> received = KafkaTests.received(consumer);
        int processed = received.size();
        assertTrue(processed >= 2 && processed < 6, "stopped in the middle: " + consumer.output());
        assertContains(consumer.output(), "committed offsets {" + topic + "-0=" + processed + "}");
        assertContains(consumer.output(), "stopped after " + processed + " record(s)");
        assertEquals(Map.of(0, (long) processed), KafkaTests.committed(servers, group, topic),
                "the final commit covers exactly the records processed, the one in hand included");

        // The next member resumes right after them: nothing processed is read again, nothing is skipped.
        Programs.Running next = Programs.run(RUN, "kafka-consumer", env, "--max-messages", String.valueOf(6 - processed));
        assertEquals(0, next.exitCode(), next.output());
        List<String> values = KafkaTests.receivedValues(next);
        assertEquals(6 - processed, values.size(), next.output());
        assertEquals("Hello Kafka! #" + (processed + 1), values.get(0), next.output());
    }
}
