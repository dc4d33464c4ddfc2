package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.common.kafka.KafkaDelivery;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * docs/kafka.md section 15: a transactional consume-transform-produce step. Its output records and its input
 * offsets commit together, so a step killed mid-batch and started again writes every output exactly once for a
 * read_committed reader; the aborted attempt is still in the log for a read_uncommitted one. A second instance with
 * the same transactional id fences the first.
 */
class KafkaExactlyOnceIT {

    static final Duration RUN = Duration.ofSeconds(120);

    @Test
    void aStepKilledMidTransactionAndRestartedWritesEachOutputOnce() throws Exception {
        String servers = TestBrokers.kafka().bootstrapServers();
        String in = Await.unique("eos-in");
        String out = in + "-out";
        Map<String, String> env = KafkaTests.env(servers, in, in + "-step");
        Programs.Running producer = Programs.run(RUN, "kafka-producer", env, "--count", "500", "--message", "order");
        assertEquals(0, producer.exitCode(), producer.output());
        String[] step = {"--output-topic", out, "--transactional-id", in + "-step", "--work-ms", "5",
            "--max-poll-records", "100"};

        Programs.Running first = Programs.start("kafka-consumer", env, step);
        try {
            // Mid-way: one transaction committed, and 30 records into an open one.
            first.awaitLine(l -> l.contains("committed a transaction"), RUN);
            Await.until("30 records into the next transaction", RUN, () -> inOpenTransaction(first) >= 30);
        } finally {
            first.kill(); // SIGKILL: no abort, no commit; the transaction stays open on the broker
        }
        first.awaitExit(RUN);

        Programs.Running second = Programs.start("kafka-consumer", env, step);
        List<ConsumerRecord<String, byte[]>> committed;
        try {
            committed = KafkaTests.readAll(servers, out, 500, RUN, "read_committed");
        } finally {
            second.terminate();
        }
        assertEquals(0, second.awaitExit(RUN), second.output());

        // read_committed: each input once, transformed, with its message id.
        assertEquals(500, committed.size(), "records a read_committed reader sees");
        assertEquals(500, ids(committed).size(), "distinct message ids");
        assertEquals(IntStream.rangeClosed(1, 500).mapToObj(i -> "order #" + i + " (processed)")
                .collect(Collectors.toSet()), values(committed));
        assertEquals(500, KafkaTests.committedTotal(servers, in + "-step", in), "input offsets committed");
        // read_uncommitted: also the records of the transaction the kill left open, aborted by the restart.
        List<ConsumerRecord<String, byte[]>> everything = KafkaTests.readAll(servers, out, 500, RUN,
                "read_uncommitted");
        System.out.printf("[exactly once] read_committed %d, read_uncommitted %d%n", committed.size(),
                everything.size());
        assertTrue(everything.size() > 500, "the aborted attempt is in the log: " + everything.size());
        assertEquals(values(committed), values(everything), "what aborted is a copy of what committed");
    }

    @Test
    void aSecondInstanceWithTheSameTransactionalIdFencesTheFirst() throws Exception {
        String servers = TestBrokers.kafka().bootstrapServers();
        String in = Await.unique("fence-in");
        String out = in + "-out";
        Map<String, String> env = KafkaTests.env(servers, in, in + "-step");
        assertEquals(0, Programs.run(RUN, "kafka-producer", env, "--count", "200", "--message", "job").exitCode());
        String[] step = {"--output-topic", out, "--transactional-id", in + "-step", "--work-ms", "20",
            "--max-poll-records", "10"};

        Programs.Running older = Programs.start("kafka-consumer", env, step);
        Programs.Running newer = null;
        try {
            older.awaitLine(l -> l.contains("committed a transaction"), RUN);
            newer = Programs.start("kafka-consumer", env, step);
            assertEquals(1, older.awaitExit(RUN), older.output());
            assertContains(older.output(), "fenced: another instance started with transactional id '" + in
                    + "-step' and took over; this one stops, its open transaction aborted");
            assertFalse(older.output().contains("Exception") || older.output().contains("\tat "), older.output());

            List<ConsumerRecord<String, byte[]>> committed = KafkaTests.readAll(servers, out, 200, RUN,
                    "read_committed");
            assertEquals(200, committed.size(), "nothing duplicated in the output");
            assertEquals(200, ids(committed).size());
        } finally {
            older.kill();
            if (newer != null) {
                newer.terminate();
                assertEquals(0, newer.awaitExit(RUN), newer.output());
            }
        }
    }

    @Test
    void aRecordThatKeepsFailingGoesToTheDeadLetterTopicInTheSameTransaction() throws Exception {
        String servers = TestBrokers.kafka().bootstrapServers();
        String in = Await.unique("eos-poison");
        Map<String, String> env = KafkaTests.env(servers, in, in + "-step");
        assertEquals(0, Programs.run(RUN, "kafka-producer", env, "--count", "20", "--message", "job").exitCode());
        Programs.Running step = Programs.start("kafka-consumer", env, "--output-topic", in + "-out",
                "--transactional-id", in + "-step", "--max-attempts", "2", "--fail-on", "#7$");
        try {
            List<ConsumerRecord<String, byte[]>> out = KafkaTests.readAll(servers, in + "-out", 19, RUN,
                    "read_committed");
            List<ConsumerRecord<String, byte[]>> dead = KafkaTests.readAll(servers, in + ".dlt", 1, RUN,
                    "read_committed");
            assertEquals(19, out.size(), "every record but the poison one, once");
            assertFalse(values(out).contains("job #7 (processed)"));
            assertEquals(Set.of("job #7"), values(dead));
            assertEquals(1, dead.size());
            Await.until("20 input offsets committed", RUN,
                    () -> Await.orElse(-1L, () -> KafkaTests.committedTotal(servers, in + "-step", in)) == 20);
            assertContains(step.output(), "giving up on partition=");
            assertContains(step.output(), "after 2 attempt(s): ");
        } finally {
            step.terminate();
        }
        assertEquals(0, step.awaitExit(RUN), step.output());
    }

    @Test
    void anOutputTopicWithoutATransactionalIdIsRefusedInOneLine() {
        Programs.Running run = Programs.run(RUN, "kafka-consumer", Map.of(), "--output-topic", "out");
        assertEquals(2, run.exitCode(), run.output());
        assertContains(run.output(), "--output-topic needs --transactional-id");
    }

    /** "transformed" lines since the last "committed a transaction" line. */
    private static long inOpenTransaction(Programs.Running step) {
        List<String> lines = step.lines();
        long n = 0;
        for (int i = lines.size() - 1; i >= 0 && !lines.get(i).contains("committed a transaction"); i--) {
            if (lines.get(i).contains("transformed partition=")) {
                n++;
            }
        }
        return n;
    }

    private static Set<String> ids(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> new String(r.headers().lastHeader(KafkaDelivery.MESSAGE_ID_HEADER).value(),
                StandardCharsets.UTF_8)).collect(Collectors.toSet());
    }

    private static Set<String> values(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).collect(Collectors.toSet());
    }
}
