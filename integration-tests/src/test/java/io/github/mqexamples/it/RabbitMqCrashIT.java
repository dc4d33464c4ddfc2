package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static io.github.mqexamples.it.Checks.assertLacks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.brokers.LocalRabbitMq;
import io.github.mqexamples.common.rabbitmq.AmqpUrl;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker crashes (SIGKILL to the Erlang VM: nothing flushed, nobody told) in the middle of a stream, beside the
 * graceful restart of {@link RabbitMqRecoveryIT}. A private node of the installed rabbitmq-server, on data of its own
 * that it finds again when started. Back within the producer's --confirm-timeout, the outage is ridden out; longer,
 * the producer says exactly which messages it gave up on, and none it reported confirmed is lost.
 */
class RabbitMqCrashIT {

    static final Duration RUN = Duration.ofSeconds(120);
    static final Pattern SENT = RabbitMqClusterIT.SENT;
    static final Pattern RECEIVED = RabbitMqClusterIT.RECEIVED;
    static final Pattern GAVE_UP = Pattern.compile("giving up on '.*' \\(message id ([^)]+)\\) after \\d+ send");

    /** Its data in a temporary directory, which a kill and a start keep and close() deletes. */
    static LocalRabbitMq node;

    @BeforeAll
    static void startNode() {
        node = LocalRabbitMq.launch();
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aCrashShorterThanTheTimeoutsIsRiddenOutAndSaid() throws Exception {
        String queue = Await.unique("crash");
        Map<String, String> env = Map.of("RABBITMQ_URL", node.amqpUrl(), "RABBITMQ_QUEUE", queue);
        Programs.Running consumer = Programs.start("rabbitmq-consumer", env, "--log-messages", "true");
        try {
            consumer.awaitLine(l -> l.contains("waiting for messages"), RUN);
            // 300 messages at 30 a second: 10 s; the crash comes after the first 60.
            Programs.Running producer = Programs.start("rabbitmq-producer", env, "--count", "300", "--rate", "30",
                    "--log-messages", "true");
            Await.until("60 messages received", RUN, () -> RabbitMqClusterIT.ids(consumer, RECEIVED).size() >= 60);
            node.kill();
            node.start(); // on its data, the same port: about 5 s, inside the default --confirm-timeout of 30 s

            assertEquals(0, producer.awaitExit(RUN), producer.output());
            assertContains(producer.output(), "300 of 300 messages confirmed by the broker");
            Set<String> confirmed = RabbitMqClusterIT.ids(producer, SENT);
            assertEquals(300, confirmed.size());
            Await.until("every confirmed message received", RUN,
                    () -> RabbitMqClusterIT.ids(consumer, RECEIVED).containsAll(confirmed));
            for (Programs.Running program : new Programs.Running[] {producer, consumer}) {
                assertOutageSaid(program, true);
            }
            assertTrue(RabbitMqClusterIT.ids(producer, SENT).size() <= 300);
            // The producer said what it did about the crash: what was unconfirmed went out again.
            assertTrue(Pattern.compile("; \\d+ publish\\(es\\) were repeated after a lost connection")
                    .matcher(producer.output()).find(), producer.output());
        } finally {
            consumer.terminate();
        }
        assertEquals(0, consumer.awaitExit(RUN), consumer.output());
        // Exactly once after de-duplication.
        assertContains(consumer.output(), "stopped after 300 message(s)");
        assertEquals(300, RabbitMqClusterIT.ids(consumer, RECEIVED).size());
        assertLacks(consumer.output(), "ForgivingExceptionHandler");
    }

    @Test
    void aCrashLongerThanTheConfirmTimeoutFailsTheProducerWhichSaysExactlyWhatWasNotConfirmed() throws Exception {
        String queue = Await.unique("long-crash");
        Map<String, String> env = Map.of("RABBITMQ_URL", node.amqpUrl(), "RABBITMQ_QUEUE", queue);
        // Nobody consumes: what the broker confirmed must still be in the queue after the crash. The queue exists
        // before the stream, with 20 messages of an earlier run: a quorum queue declared a second before the crash
        // came back empty, with no leader, on RabbitMQ 3.10 here (rabbitmq-queues quorum_status: term 0, log index 0).
        Programs.Running earlier = Programs.run(RUN, "rabbitmq-producer", env, "--count", "20", "--log-messages",
                "true");
        assertEquals(0, earlier.exitCode(), earlier.output());
        Programs.Running producer = Programs.start("rabbitmq-producer", env, "--count", "200", "--rate", "40",
                "--log-messages", "true", "--confirm-timeout", "4s");
        Await.until("40 messages confirmed", RUN, () -> RabbitMqClusterIT.ids(producer, SENT).size() >= 40);
        node.kill();
        try {
            assertEquals(1, producer.awaitExit(RUN), producer.output());
        } finally {
            node.start();
        }
        String output = producer.output();
        Set<String> confirmed = RabbitMqClusterIT.ids(producer, SENT);
        Set<String> gaveUp = RabbitMqClusterIT.ids(producer, GAVE_UP);
        assertTrue(confirmed.size() < 200 && !gaveUp.isEmpty(), output);
        Set<String> overlap = new HashSet<>(confirmed);
        overlap.retainAll(gaveUp);
        assertEquals(Set.of(), overlap, "a message both confirmed and given up on");
        // Each message is accounted for: confirmed, given up on (a line each), or never sent (one line for all).
        java.util.regex.Matcher summary = Pattern.compile("only (\\d+) of 200 messages confirmed: (\\d+) failed, 0"
                + " unroutable(?:, (\\d+) never sent \\(#(\\d+) to #200\\))?").matcher(output);
        assertTrue(summary.find(), output);
        assertEquals(confirmed.size(), Integer.parseInt(summary.group(1)));
        assertEquals(gaveUp.size(), Integer.parseInt(summary.group(2)));
        int neverSent = summary.group(3) == null ? 0 : Integer.parseInt(summary.group(3));
        assertEquals(200, confirmed.size() + gaveUp.size() + neverSent, output);
        assertOutageSaid(producer, false);

        // Nothing confirmed is lost: all of it is in the queue once the node is back (its quorum queue answers only
        // once it has recovered its log, which after a crash takes a while).
        Set<String> stored = Await.value("the queue answers after the restart", RUN,
                () -> Rabbit.drainIds(AmqpUrl.parse(node.amqpUrl(), "url"), queue));
        Set<String> allConfirmed = new HashSet<>(confirmed);
        allConfirmed.addAll(RabbitMqClusterIT.ids(earlier, SENT));
        assertTrue(stored.containsAll(allConfirmed), "confirmed, then lost: " + allConfirmed.stream()
                .filter(id -> !stored.contains(id)).toList());
    }

    /**
     * The program's own lines: lost (where, why), waiting, and reconnected (after how long) if {@code back}; no client
     * stack trace.
     */
    static void assertOutageSaid(Programs.Running program, boolean back) {
        String output = program.output();
        program.lines().stream().filter(l -> l.contains("connect") || l.contains("confirmed:")
                || l.contains("publish(es)")).forEach(l -> System.out.println("[crash] " + l));
        String address = "127.0.0.1:" + node.amqpPort();
        assertTrue(Pattern.compile("WARN .* lost the connection to RabbitMQ at " + Pattern.quote(address) + " \\(.+\\):"
                + " reconnecting").matcher(output).find(), output);
        assertTrue(Pattern.compile("WARN .* still no connection to RabbitMQ after [\\d.]+ s \\(Connection refused\\)")
                .matcher(output).find(), output);
        assertEquals(back, Pattern.compile("INFO .* reconnected to RabbitMQ at " + Pattern.quote(address)
                + " after [\\d.]+ s").matcher(output).find(), output);
        assertLacks(output, "\tat ");
        assertLacks(output, "ForgivingExceptionHandler");
        assertLacks(output, "DefaultExceptionHandler");
    }
}
