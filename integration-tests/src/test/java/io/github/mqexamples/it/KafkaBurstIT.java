package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static io.github.mqexamples.it.Checks.assertLacks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * docs/kafka.md section 13: a burst absorbed (peak shaving). The producer sends 5000 records at full speed, far
 * faster than a consumer that works 1 ms per record can take them; the topic holds them, the group's lag (end offsets
 * minus committed offsets) rises in the consumer's progress lines and drains to 0 as it works through them, and
 * every record is processed, once.
 */
class KafkaBurstIT {

    static final Duration RUN = Duration.ofSeconds(120);
    static final int BURST = 5000;
    static final Pattern PROGRESS = Pattern.compile("received (\\d+) so far, \\d+ msg/s now, lag (\\d+)");

    /** One progress line: records received by then, and the lag it showed. */
    record Progress(long received, long lag, String line) {
    }

    @Test
    void aBurstRaisesTheLagWhichDrainsToZeroWithEveryRecordProcessedOnce() throws Exception {
        String servers = TestBrokers.kafka().bootstrapServers();
        String topic = Await.unique("burst");
        String group = topic + "-group";
        Map<String, String> env = KafkaTests.env(servers, topic, group);
        try (Admin admin = KafkaTests.admin(servers)) { // empty, so that the lag starts at 0
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }

        Programs.Running consumer = Programs.start("kafka-consumer", env, "--work-ms", "1", "--log-messages", "false");
        try {
            consumer.awaitLine(l -> l.contains("assigned partitions") && l.contains(topic + "-0"), RUN);
            // The lag is known (the cluster answers the consumer's Admin client) and 0: nothing sent yet.
            consumer.awaitLine(l -> l.contains("received 0 so far, 0 msg/s now, lag 0"), RUN);

            long t0 = System.nanoTime();
            Programs.Running producer = Programs.run(RUN, "kafka-producer", env, "--count", String.valueOf(BURST),
                    "--log-messages", "false");
            assertEquals(0, producer.exitCode(), producer.output());
            long sentMs = (System.nanoTime() - t0) / 1_000_000;
            assertContains(producer.output(), BURST + " of " + BURST + " records acknowledged");

            consumer.awaitLine(l -> l.contains("received " + BURST + " so far,") && l.endsWith(", lag 0"), RUN);
            long drainedMs = (System.nanoTime() - t0) / 1_000_000;
            consumer.terminate();
            assertEquals(0, consumer.awaitExit(RUN), consumer.output());

            List<Progress> progress = new ArrayList<>();
            for (String line : consumer.lines()) {
                Matcher m = PROGRESS.matcher(line);
                if (m.find()) {
                    progress.add(new Progress(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), line));
                }
            }
            Progress peak = progress.stream().max((a, b) -> Long.compare(a.lag(), b.lag())).orElseThrow();
            System.out.printf("[burst] %d records sent in %d ms (producer program, JVM start included); drained in"
                    + " %d ms; highest lag %d, at %d received%n", BURST, sentMs, drainedMs, peak.lag(), peak.received());
            // The burst waited in the topic: the lag rose well above anything one poll holds, while the consumer
            // had done only part of the work.
            assertTrue(peak.lag() >= 1000, "the lag never rose: " + progress);
            assertTrue(peak.received() < BURST, "the peak came while records were still waiting: " + peak);
            // ... and drained: a later line says lag 0 with every record received.
            int peakAt = progress.indexOf(peak);
            assertTrue(progress.subList(peakAt, progress.size()).stream()
                    .anyMatch(p -> p.received() == BURST && p.lag() == 0), "no lag 0 after the peak: " + progress);
            // The consumer works 1 ms per record: 5000 records cannot drain in under 5 s (the burst was absorbed,
            // not consumed as fast as it came).
            assertTrue(drainedMs >= BURST, "drained in " + drainedMs + " ms");

            // Nothing lost, nothing twice: all 5000 offsets committed, 5000 records processed (the summary counts
            // the records processed, a record skipped as a duplicate is not among them), none skipped.
            assertEquals(BURST, KafkaTests.committedTotal(servers, group, topic));
            assertContains(consumer.output(), "summary: " + BURST + " messages received in ");
            assertContains(consumer.output(), "stopped after " + BURST + " record(s)");
            assertLacks(consumer.output(), "skipped duplicate");
        } finally {
            consumer.kill();
        }
    }
}
