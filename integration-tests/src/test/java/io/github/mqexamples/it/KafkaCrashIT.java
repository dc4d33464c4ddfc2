package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.brokers.LocalKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A crash, as a new user tries one: a single KRaft broker (broker and controller in one JVM of its own) killed
 * with SIGKILL mid-stream, and started again on its data (an unclean log recovery). The programs run as jars, so
 * their exit codes and lines are what a person sees. Within --delivery-timeout the outage is ridden out, and
 * said; longer, the producer gives up, exit 1, and names exactly the records it cannot vouch for.
 */
class KafkaCrashIT {

    static final Duration RUN = Duration.ofSeconds(180);
    static final int COUNT = 300;
    /** The program's own lines: time, level, the program's name. A line of the client library would not match. */
    static final Pattern OWN_LINE = Pattern.compile(
            "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO|WARN|ERROR) kafka-(producer|consumer) - .*");
    static final Pattern SENT = Pattern.compile(" sent key=key-(\\d+) value=");

    static LocalKafka broker;

    @BeforeAll
    static void launch() {
        long t0 = System.nanoTime();
        broker = LocalKafka.launchInOwnJvm();
        System.out.printf("[crash] a KRaft broker in a child JVM ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @AfterAll
    static void close() {
        if (broker != null) {
            broker.close();
        }
    }

    /**
     * Killed after record #100 of 300 (one every 20 ms); started again at once, which takes 10-15 s: inside the
     * producer's default --delivery-timeout of 30 s. Nothing fails: every record acknowledged, read, and applied
     * once; the log holds each once (idempotence, across a crash too); and both programs said what happened in their
     * own lines (lost, still waiting, connected again), without a line of the client library.
     */
    @Test
    void aBrokerKilledMidStreamAndRestartedWithinTheTimeoutsIsRiddenOutAndSaid() throws Exception {
        String servers = broker.bootstrapServers();
        String topic = Await.unique("crash");
        Map<String, String> env = KafkaTests.env(servers, topic, topic + "-group");
        try (Admin admin = KafkaTests.admin(servers)) { // before the consumer subscribes: 3 partitions, as the producer's
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        // The consumer first, reading before the stream starts: the kill falls in the middle of both.
        Programs.Running consumer = Programs.start("kafka-consumer", env);
        Programs.Running producer = null;
        try {
            consumer.awaitLine(l -> l.contains("assigned partitions [" + topic + "-"), RUN);
            producer = Programs.start("kafka-producer", env, "--count", String.valueOf(COUNT), "--interval", "20ms");
            producer.awaitLine(l -> l.contains("value='Hello Kafka! #100'"), RUN);

            long killedAt = System.nanoTime();
            broker.kill();
            System.out.println("[crash] killed the broker (SIGKILL) at " + LocalTime.now());
            assertFalse(producer.output().contains("records acknowledged"), "the producer is still sending");
            assertTrue(KafkaTests.receivedValues(consumer).size() < COUNT, "the consumer is still reading");
            String lost = "lost the connection to Kafka at " + servers + " (no connection: the broker is down or"
                    + " restarting)";
            producer.awaitLine(l -> l.contains(lost), RUN);
            consumer.awaitLine(l -> l.contains(lost), RUN);
            // Started again at once, it still takes more than 9 s to serve: the controller (restarted with it) lets
            // the broker register again only once the old registration's session has expired
            // (broker.session.timeout.ms). Time enough for a "still waiting" line, every 5 s.
            broker.start();
            System.out.println("[crash] the broker answers again at " + LocalTime.now());
            System.out.printf("[crash] the broker was away %.1f s, its restart included%n",
                    (System.nanoTime() - killedAt) / 1e9);

            producer.awaitLine(l -> l.contains("still waiting for Kafka at " + servers + " (")
                    && l.contains("s so far; records are kept and retried until --delivery-timeout 30 s)"), RUN);
            consumer.awaitLine(l -> l.contains("still waiting for Kafka at " + servers + " (")
                    && l.contains("s so far; the consumer reads on from where it stopped once Kafka is back)"), RUN);
            assertEquals(0, producer.awaitExit(RUN), producer.output());
            assertContains(producer.output(), COUNT + " of " + COUNT + " records acknowledged");
            producer.awaitLine(l -> l.matches(".* connected to Kafka at " + Pattern.quote(servers)
                    + " again after \\d+ s; sending the \\d+ record\\(s\\) held during the outage \\(again,"
                    + " for those in flight at the loss\\)"), RUN);
            assertEquals(COUNT, SENT.matcher(producer.output()).results().count(), "a line per acknowledged record");

            // The consumer: every record processed, each once after de-duplication.
            Programs.Running reader = consumer;
            Await.until("the consumer has read all " + COUNT + " records", RUN,
                    () -> new TreeSet<>(KafkaTests.receivedValues(reader)).size() == COUNT);
            consumer.awaitLine(l -> l.matches(".* connected to Kafka at " + Pattern.quote(servers)
                    + " again after \\d+ s"), RUN);
            consumer.terminate();
            assertEquals(0, consumer.awaitExit(RUN), consumer.output());
            long received = KafkaTests.receivedValues(consumer).size();
            long skipped = consumer.lines().stream().filter(l -> l.contains("skipped duplicate message-id=")).count();
            assertEquals(COUNT, received - skipped, "applied once each: " + received + " read, " + skipped
                    + " skipped as duplicates");
            assertEquals(numbers(1, COUNT), KafkaTests.receivedValues(consumer).stream()
                    .map(v -> Integer.parseInt(v.substring(v.indexOf('#') + 1))).collect(Collectors.toSet()));

            // The log: each record once, though the producer sent again what was in flight at the kill.
            assertEquals(numbers(1, COUNT).size(), KafkaTests.readAll(servers, topic, COUNT, RUN).size(),
                    "records in the topic");
            assertOwnLinesOnly(producer);
            assertOwnLinesOnly(consumer);
        } finally {
            consumer.kill();
            if (producer != null) {
                producer.kill();
            }
            broker.start(); // for the next test, if this one failed with the broker down
        }
    }

    /**
     * Killed after record #100 and kept down longer than --delivery-timeout 8s: the producer waits that long
     * (saying so), then gives up with exit code 1 and names the records not acknowledged, by number. After the
     * restart every record it said was acknowledged is in the topic: an acknowledgement is a promise kept.
     */
    @Test
    void aBrokerDownLongerThanTheDeliveryTimeoutFailsTheRunAndNamesWhatWasNotAcknowledged() throws Exception {
        String servers = broker.bootstrapServers();
        String topic = Await.unique("crash-long");
        Map<String, String> env = KafkaTests.env(servers, topic, topic + "-group");
        Programs.Running producer = Programs.start("kafka-producer", env, "--count", String.valueOf(COUNT),
                "--interval", "20ms", "--delivery-timeout", "8s");
        try {
            producer.awaitLine(l -> l.contains("value='Hello Kafka! #100'"), RUN);
            broker.kill();
            System.out.println("[crash] killed the broker (SIGKILL) at " + LocalTime.now());
            assertEquals(1, producer.awaitExit(RUN), producer.output());
            broker.start();

            String output = producer.output();
            assertContains(output, "lost the connection to Kafka at " + servers + " (no connection");
            assertContains(output, "s so far; records are kept and retried until --delivery-timeout 8 s)");
            assertFalse(output.contains(" connected to Kafka at "), "it never came back while the producer ran");
            Set<Integer> acknowledged = SENT.matcher(output).results().map(m -> Integer.parseInt(m.group(1)))
                    .collect(Collectors.toCollection(TreeSet::new));
            Matcher report = Pattern.compile("only (\\d+) of " + COUNT + " records acknowledged").matcher(output);
            assertTrue(report.find(), output);
            assertEquals(acknowledged.size(), Integer.parseInt(report.group(1)));
            assertTrue(acknowledged.size() >= 100 && acknowledged.size() < COUNT, acknowledged.size() + " acknowledged");

            // The report names exactly the others: every record is either acknowledged or named, never both.
            Matcher named = Pattern.compile("not acknowledged: records (\\S.*) \\(the N of key-N and value").matcher(output);
            assertTrue(named.find(), output);
            Set<Integer> notAcknowledged = ranges(named.group(1));
            Set<Integer> both = new TreeSet<>(acknowledged);
            both.retainAll(notAcknowledged);
            assertEquals(Set.of(), both, "named as not acknowledged, yet acknowledged");
            Set<Integer> all = new TreeSet<>(acknowledged);
            all.addAll(notAcknowledged);
            assertEquals(numbers(1, COUNT), all, "each record acknowledged or named");

            // Nothing acknowledged is lost: the broker recovered its log, and every acknowledged record is in it.
            Set<Integer> inTheTopic = KafkaTests.readAll(servers, topic, acknowledged.size(), RUN).stream()
                    .map(r -> number(r)).collect(Collectors.toSet());
            Set<Integer> lost = new TreeSet<>(acknowledged);
            lost.removeAll(inTheTopic);
            assertEquals(Set.of(), lost, "acknowledged, and not in the topic after the restart");
            assertOwnLinesOnly(producer);
        } finally {
            producer.kill();
            broker.start();
        }
    }

    /** "#7, #9-#12" as the set 7, 9, 10, 11, 12. */
    static Set<Integer> ranges(String text) {
        Set<Integer> out = new TreeSet<>();
        for (String range : text.split(", ")) {
            String[] ends = range.replace("#", "").split("-");
            out.addAll(numbers(Integer.parseInt(ends[0]), Integer.parseInt(ends[ends.length - 1])));
        }
        return out;
    }

    static Set<Integer> numbers(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    static int number(ConsumerRecord<String, byte[]> record) {
        String value = new String(record.value(), StandardCharsets.UTF_8);
        return Integer.parseInt(value.substring(value.indexOf('#') + 1));
    }

    /** Only the program's own lines: no WARN or ERROR (or anything else) of the client library, no stack trace. */
    static void assertOwnLinesOnly(Programs.Running program) {
        Function<String, Boolean> own = l -> OWN_LINE.matcher(l).matches();
        for (String line : program.lines()) {
            assertTrue(own.apply(line), "a line that is not the program's own: <" + line + "> in:\n"
                    + program.output());
        }
    }
}
