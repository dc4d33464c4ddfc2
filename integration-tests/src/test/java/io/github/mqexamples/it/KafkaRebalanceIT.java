package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Scenario 3: two consumers in one group share the partitions; when one leaves, its partitions move to the
 * other with their committed progress (committed on revoke), so nothing is read twice and nothing is missed.
 */
class KafkaRebalanceIT {

    static final Duration RUN = Duration.ofSeconds(60);
    static final Pattern ASSIGNED = Pattern.compile("assigned partitions \\[(.*)\\]");

    @Test
    void twoMembersShareThePartitionsAndHandOverOnLeaving() throws Exception {
        String servers = TestBrokers.kafka().bootstrapServers();
        String topic = Await.unique("rebalance");
        String group = topic + "-group";
        Map<String, String> env = KafkaTests.env(servers, topic, group);
        Programs.Running producer = Programs.run(RUN, "kafka-producer", env, "--count", "200", "--partitions", "4");
        assertEquals(0, producer.exitCode(), producer.output());

        // Slow members (100 ms a record, 20 s for all), so the work is still going on while the group changes.
        Programs.Running a = Programs.start("kafka-consumer", env, "--work-ms", "100");
        Programs.Running b = null;
        try {
            a.awaitLine(l -> assigned(l, topic).size() == 4, RUN);
            b = Programs.start("kafka-consumer", env, "--work-ms", "100");
            // The group shares the 4 partitions between its two members...
            Programs.Running second = b;
            b.awaitLine(l -> assigned(l, topic).size() == 2, RUN);
            a.awaitLine(l -> assigned(l, topic).size() == 2, RUN);
            assertContains(a.output(), "revoked partitions [");
            Set<String> ofA = lastAssignment(a, topic);
            Set<String> ofB = lastAssignment(b, topic);
            assertTrue(Collections.disjoint(ofA, ofB), ofA + " / " + ofB);

            // ...until A leaves (SIGTERM): it commits what it processed, and B takes all 4 over from there.
            Await.until("B is at work on its share", RUN, () -> !KafkaTests.received(second).isEmpty());
            a.terminate();
            assertEquals(0, a.awaitExit(RUN), a.output());
            assertContains(a.output(), "committed offsets {");
            b.awaitLine(l -> assigned(l, topic).size() == 4, RUN);

            Await.until("all 200 records read by A or B", RUN, () -> {
                Set<String> all = new HashSet<>(KafkaTests.receivedValues(a));
                all.addAll(KafkaTests.receivedValues(second));
                return all.size() == 200;
            });
            // After A left, B went on with A's partitions where A had stopped (and committed): in each, B's first
            // record is the one after A's last. A partition A had read to its end (A had all four for a while)
            // leaves B nothing there; nothing is missing either way, as all 200 were read.
            int handedOver = 0;
            for (String partition : ofA) {
                long lastOfA = offsets(a, partition).stream().mapToLong(Long::longValue).max().orElse(-1);
                List<Long> ofBHere = offsets(b, partition);
                if (!ofBHere.isEmpty()) {
                    handedOver++;
                    assertEquals(lastOfA + 1, ofBHere.get(0), "B went on with " + partition + " right after A's last"
                            + " record there");
                }
            }
            assertTrue(handedOver > 0, "B went on with at least one of A's partitions " + ofA);
            b.terminate();
            assertEquals(0, b.awaitExit(RUN), b.output());
            // Counted once B has stopped: a record read again (an offset A failed to commit) may come after the
            // last new one, and would be missed by a count taken as soon as all 200 were there.
            List<String> both = new ArrayList<>(KafkaTests.receivedValues(a));
            both.addAll(KafkaTests.receivedValues(b));
            assertEquals(200, both.size(), "no record read twice: the partitions moved with their committed offsets");
            assertEquals(200, KafkaTests.committedTotal(servers, group, topic));
        } finally {
            a.kill();
            if (b != null) {
                b.kill();
            }
        }
    }

    /** The partitions of {@code topic} (not its .retry) in an "assigned partitions [...]" line. */
    static Set<String> assigned(String line, String topic) {
        Matcher m = ASSIGNED.matcher(line);
        Set<String> out = new HashSet<>();
        if (m.find()) {
            for (String p : Arrays.asList(m.group(1).split(",\\s*"))) {
                if (p.matches(Pattern.quote(topic) + "-\\d+")) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** The offsets a consumer program read in {@code partition} (such as topic-1), in the order it read them. */
    static List<Long> offsets(Programs.Running program, String partition) {
        List<Long> out = new ArrayList<>();
        for (Matcher m : KafkaTests.received(program)) {
            if ((m.group(1) + "-" + m.group(2)).equals(partition)) {
                out.add(Long.parseLong(m.group(3)));
            }
        }
        return out;
    }

    static Set<String> lastAssignment(Programs.Running program, String topic) {
        Set<String> last = Set.of();
        for (String line : program.lines()) {
            if (ASSIGNED.matcher(line).find()) {
                last = assigned(line, topic);
            }
        }
        return last;
    }
}
