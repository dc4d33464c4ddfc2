package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Scaling out: several consumers share one queue (RabbitMQ) or one group's partitions (Kafka), and each message is
 * processed once. With RabbitMQ the prefetch decides how the work is split: one message at a time per consumer
 * (fair dispatch) lets the fast one take most; a large prefetch deals the messages out in turns, ahead of time, and
 * work queues up behind the slow one. With Kafka a partition has one reader in a group: members beyond the
 * partition count stand by.
 */
class CompetingConsumersIT {

    static final Duration RUN = Duration.ofSeconds(90);
    static final Pattern RABBIT_RECEIVED = Pattern.compile("received '(Hello World! #\\d+)'");
    static final int MESSAGES = 60;
    static final int WORK_MS = 200;

    /** How one run split the messages between the slow and the fast consumer, and how long it took. */
    record Split(List<String> slow, List<String> fast, long millis) {
    }

    @Test
    void fairDispatchLetsTheFastConsumerTakeMostAndALargePrefetchMakesTheWorkWaitForTheSlowOne() throws Exception {
        Split fair = split(1);
        Split dealt = split(100);
        System.out.printf("[competing consumers] prefetch 1: slow %d, fast %d, %d ms; prefetch 100: slow %d, fast %d,"
                + " %d ms%n", fair.slow().size(), fair.fast().size(), fair.millis(), dealt.slow().size(),
                dealt.fast().size(), dealt.millis());

        // Prefetch 1: a consumer gets the next message only once it has acked the last, so the split follows
        // speed. The slow one (200 ms a message) takes a handful; the whole run is about as long as sending.
        assertTrue(fair.slow().size() <= MESSAGES / 4, "prefetch 1: the slow consumer took " + fair.slow().size());
        // Prefetch 100: the broker deals the messages out in turns as they arrive, so the slow consumer holds
        // about half, and the run lasts as long as it takes to work through them, one by one.
        assertTrue(Math.abs(dealt.slow().size() - MESSAGES / 2) <= MESSAGES / 10,
                "prefetch 100: dealt in turns, but the slow consumer took " + dealt.slow().size());
        assertTrue(dealt.millis() >= (MESSAGES / 2 - MESSAGES / 10) * WORK_MS,
                "the slow consumer's share took " + dealt.millis() + " ms");
        assertTrue(fair.millis() * 2 < dealt.millis(), "fair dispatch: " + fair.millis() + " ms, dealt ahead: "
                + dealt.millis() + " ms");
    }

    /** Two consumer jars on one queue, one slow, one fast, both with {@code prefetch}; then 60 messages. */
    private static Split split(int prefetch) throws Exception {
        Map<String, String> env = Rabbit.env(Await.unique("work-" + prefetch));
        String queue = env.get("RABBITMQ_QUEUE");
        Programs.Running slow = Programs.start("rabbitmq-consumer", env, "--prefetch", String.valueOf(prefetch),
                "--work-ms", String.valueOf(WORK_MS));
        Programs.Running fast = Programs.start("rabbitmq-consumer", env, "--prefetch", String.valueOf(prefetch));
        try {
            slow.awaitLine(l -> l.contains("waiting for messages"), RUN);
            fast.awaitLine(l -> l.contains("waiting for messages"), RUN);
            Await.until("both consumers on the queue", RUN, () -> Await.orElse(-1L, () -> Rabbit.consumers(queue)) == 2);

            long t0 = System.nanoTime();
            Programs.Running producer = Programs.run(RUN, "rabbitmq-producer", env, "--count", String.valueOf(MESSAGES));
            assertEquals(0, producer.exitCode(), producer.output());
            Await.until(MESSAGES + " messages processed", RUN,
                    () -> received(slow).size() + received(fast).size() >= MESSAGES);
            long millis = (System.nanoTime() - t0) / 1_000_000;

            slow.terminate();
            fast.terminate();
            assertEquals(0, slow.awaitExit(RUN), slow.output());
            assertEquals(0, fast.awaitExit(RUN), fast.output());
            // Each message processed once, by one of the two: 60 lines, 60 different bodies, nothing left over.
            List<String> all = new ArrayList<>(received(slow));
            all.addAll(received(fast));
            assertEquals(MESSAGES, all.size(), "received lines: " + all);
            assertEquals(MESSAGES, new HashSet<>(all).size(), "no message twice: " + all);
            assertEquals(0, Rabbit.readyOnceConsumersLeft(queue));
            return new Split(received(slow), received(fast), millis);
        } finally {
            slow.kill();
            fast.kill();
        }
    }

    private static List<String> received(Programs.Running consumer) {
        List<String> bodies = new ArrayList<>();
        for (String line : consumer.lines()) {
            Matcher m = RABBIT_RECEIVED.matcher(line);
            if (m.find()) {
                bodies.add(m.group(1));
            }
        }
        return bodies;
    }

    @Test
    void aGroupMemberBeyondThePartitionCountStandsByWhileTheOthersShareTheRecords() throws InterruptedException {
        String servers = TestBrokers.kafka().bootstrapServers();
        String topic = Await.unique("members");
        Map<String, String> env = KafkaTests.env(servers, topic, topic + "-group");
        // The topic, with 3 partitions, exists before the members join.
        assertEquals(0, Programs.run(RUN, "kafka-producer", env, "--count", "3", "--partitions", "3").exitCode());

        List<Programs.Running> members = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Programs.Running member = Programs.start("kafka-consumer", env);
                member.awaitLine(l -> l.contains("assigned partitions"), RUN);
                members.add(member);
            }
            // Four members, three partitions: once the group has settled, one member has none and says so.
            Await.until("one of the four members stands by", RUN, () -> members.stream()
                    .filter(m -> m.output().contains("no partition for this member")).count() == 1);
            Programs.Running standby = members.stream()
                    .filter(m -> m.output().contains("no partition for this member")).findFirst().orElseThrow();
            int standbyLinesBefore = standby.lines().size();

            // The three others own one partition of the topic each, once each has logged its share of the same
            // rebalance (the lines of the four processes arrive a few milliseconds apart).
            List<Programs.Running> others = members.stream().filter(m -> m != standby).toList();
            Await.until("the three others own one partition each", RUN, () -> others.stream()
                    .map(m -> lastAssignment(m, topic)).filter(p -> p.size() == 1).map(p -> p.get(0)).distinct()
                    .count() == 3);
            Set<String> owned = new HashSet<>();
            for (Programs.Running member : others) {
                List<String> partitions = lastAssignment(member, topic);
                assertEquals(1, partitions.size(), "one partition each: " + member.output());
                owned.addAll(partitions);
            }
            assertEquals(Set.of(topic + "-0", topic + "-1", topic + "-2"), owned);

            // New records are read once each, by the three, never by the member standing by.
            assertEquals(0, Programs.run(RUN, "kafka-producer", env, "--count", "30", "--message", "later").exitCode());
            Await.until("30 later records read", RUN, () -> members.stream()
                    .mapToLong(m -> later(m.lines()).size()).sum() >= 30);
            members.forEach(Programs.Running::terminate);
            List<String> all = new ArrayList<>();
            for (Programs.Running member : members) {
                assertEquals(0, member.awaitExit(RUN), member.output());
                all.addAll(later(member.lines()));
            }
            assertEquals(30, all.size(), "each record once: " + all);
            assertEquals(30, new HashSet<>(all).size());
            List<String> afterStandingBy = standby.lines().subList(standbyLinesBefore, standby.lines().size());
            assertEquals(List.of(), later(afterStandingBy), "the member standing by read nothing");
            assertContains(standby.output(), "It stands by, and takes partitions over when another member leaves.");
        } finally {
            members.forEach(Programs.Running::kill);
        }
    }

    /** The partitions of {@code topic} (not its .retry) in the member's last "assigned partitions [...]" line. */
    private static List<String> lastAssignment(Programs.Running member, String topic) {
        String last = null;
        for (String line : member.lines()) {
            if (line.contains("assigned partitions [")) {
                last = line;
            }
        }
        List<String> partitions = new ArrayList<>();
        Matcher m = Pattern.compile(Pattern.quote(topic) + "-\\d+").matcher(last == null ? "" : last);
        while (m.find()) {
            partitions.add(m.group());
        }
        return partitions;
    }

    private static List<String> later(List<String> lines) {
        return lines.stream().filter(l -> l.contains("value='later #")).toList();
    }
}
