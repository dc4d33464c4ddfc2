package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import io.github.mqexamples.brokers.LocalRabbitMq;
import io.github.mqexamples.brokers.LocalRabbitMqCluster;
import io.github.mqexamples.common.rabbitmq.AmqpUrl;
import io.github.mqexamples.common.rabbitmq.RabbitMqConnections;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cluster of three RabbitMQ nodes ({@link LocalRabbitMqCluster}, private nodes of the installed rabbitmq-server:
 * this test needs it, Docker or not) and the programs given all three addresses. A quorum queue has a member on each
 * node and carries on while two of them run; a classic queue lives on one node and is gone while that node is.
 */
class RabbitMqClusterIT {

    static final Duration RUN = Duration.ofSeconds(180);
    /** "connected to RabbitMQ at 127.0.0.1:45672" / "reconnected to RabbitMQ at 127.0.0.1:45673 (was ...)" */
    static final Pattern CONNECTED = Pattern.compile("connected to RabbitMQ at ([\\d.]+:\\d+)");
    static final Pattern SENT = Pattern.compile("sent '.*' \\(message id ([^,]+), confirmed\\)");
    static final Pattern RECEIVED = Pattern.compile("received '.*' \\(message id ([^,]+), redelivered=");

    static LocalRabbitMqCluster cluster;

    @BeforeAll
    static void startCluster() {
        long t0 = System.nanoTime();
        cluster = LocalRabbitMqCluster.launch();
        System.out.printf("[cluster] three nodes joined in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Every test starts with the three nodes running. */
    @AfterEach
    void startStoppedNodes() {
        for (int n = 1; n <= 3; n++) {
            if (!cluster.node(n).running()) {
                cluster.start(n);
            }
        }
    }

    @Test
    void theClientsSpreadOverTheNodes() throws Exception {
        List<Connection> connections = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                connections.add(RabbitMqConnections.connect(AmqpUrl.parse(cluster.amqpUrl(), "url"), "spread"));
            }
            Set<String> nodes = connections.stream().map(RabbitMqConnections::node).collect(Collectors.toSet());
            // In the order given, all twelve would be on the first node; shuffled, all on one has a chance of 3 in 3^12.
            assertTrue(nodes.size() >= 2, "12 connections, all to " + nodes);
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    @Test
    void aQuorumQueueOutlivesItsLeadersNodeAndBothProgramsFailOver() throws Exception {
        String queue = Await.unique("replicated");
        Map<String, String> env = Map.of("RABBITMQ_URL", cluster.amqpUrl(), "RABBITMQ_QUEUE", queue);
        Programs.Running consumer = Programs.start("rabbitmq-consumer", env, "--log-messages", "true");
        try {
            consumer.awaitLine(l -> l.contains("waiting for messages"), RUN);
            int consumerNode = cluster.numberOf(node(consumer, 0));
            // The consumer declared the queue: three members, the leader on the node the consumer is connected to
            // (a new quorum queue's leader is placed on the declaring client's node).
            String json = queueJson(queue);
            assertEquals(3, list(json, "members").size(), json);
            assertEquals(cluster.node(consumerNode).nodeName(), text(json, "leader"), json);

            // 1200 messages at 40 a second: 30 s of publishing with confirms, time for two nodes to stop and one to
            // come back (about 10 s) in the middle of it.
            Programs.Running producer = Programs.start("rabbitmq-producer", env, "--count", "1200", "--rate", "40",
                    "--log-messages", "true", "--confirm-timeout", "60s");
            producer.awaitLine(l -> CONNECTED.matcher(l).find(), RUN);
            int producerNode = cluster.numberOf(node(producer, 0));
            Await.until("100 messages received", RUN, () -> received(consumer).size() >= 100);

            // The leader's node stops. A new leader is elected among the two members left.
            int leader = consumerNode;
            cluster.stop(leader);
            String elected = Await.value("a new leader", RUN, () -> {
                String j = queueJson(queue);
                return !text(j, "leader").equals(cluster.node(leader).nodeName()) && list(j, "online").size() == 2
                        ? text(j, "leader") : null;
            });
            System.out.printf("[cluster] node %d (the leader's, the consumer's) stopped; new leader %s; the producer is"
                    + " on node %d%n", leader, elected, producerNode);
            if (producerNode != leader) {
                // The producer was elsewhere: once node `leader` is back, its own node goes too, so that both
                // programs have had to find another node while the stream runs.
                cluster.start(leader);
                Await.until("all three members online", RUN, () -> Await.orElse(0,
                        () -> list(queueJson(queue), "online").size()) == 3);
                int received = received(consumer).size();
                assertTrue(received < 1100, "the stream must still run: " + received + " received");
                cluster.stop(producerNode);
            }

            assertEquals(0, producer.awaitExit(RUN), producer.output());
            assertContains(producer.output(), "1200 of 1200 messages confirmed by the broker");
            Set<String> confirmed = ids(producer, SENT);
            assertEquals(1200, confirmed.size());
            Await.until("every confirmed message received", RUN, () -> received(consumer).containsAll(confirmed));
            // Each program said where it lost its connection and where it found another node.
            assertFailedOver(consumer, consumerNode);
            assertFailedOver(producer, producerNode);
        } finally {
            consumer.terminate();
        }
        assertEquals(0, consumer.awaitExit(RUN), consumer.output());
        // Exactly once after de-duplication: 1200 processed; any copy (re-sent or redelivered) skipped by its id.
        assertContains(consumer.output(), "stopped after 1200 message(s)");
        assertEquals(1200, ids(consumer, RECEIVED).size());
    }

    @Test
    void withoutAMajorityTheProducerFailsAndSaysSoAndNothingConfirmedIsLost() throws Exception {
        String queue = Await.unique("majority");
        Map<String, String> env = Map.of("RABBITMQ_URL", cluster.amqpUrl(), "RABBITMQ_QUEUE", queue);
        Programs.Running before = Programs.run(RUN, "rabbitmq-producer", env, "--count", "20", "--log-messages",
                "true");
        assertEquals(0, before.exitCode(), before.output());
        Set<String> confirmed = ids(before, SENT);
        assertEquals(20, confirmed.size());

        // Two of three members gone: no majority, so the queue can neither take nor give a message.
        cluster.stop(2);
        cluster.stop(3);
        Programs.Running during = Programs.run(RUN, "rabbitmq-producer", env, "--count", "10", "--confirm-timeout",
                "5s", "--log-messages", "true");
        assertEquals(1, during.exitCode(), during.output());
        assertContains(during.output(), "connected to RabbitMQ at 127.0.0.1:" + cluster.node(1).amqpPort());
        // Nacked at once, or not confirmed within --confirm-timeout (it has been both on RabbitMQ 3.10): given up on,
        // and the producer does not claim success.
        assertContains(during.output(), "only 0 of 10 messages confirmed: 10 failed");
        Set<String> gaveUp = ids(during, RabbitMqCrashIT.GAVE_UP);
        assertEquals(10, gaveUp.size(), during.output());

        // Node 1 kept running: the others rejoin the cluster through it.
        cluster.start(3);
        cluster.start(2);
        Await.until("all three members online", RUN, () -> Await.orElse(0,
                () -> list(queueJson(queue), "online").size()) == 3);
        Set<String> stored = Rabbit.drainIds(AmqpUrl.parse(cluster.amqpUrl(), "url"), queue);
        // Every confirmed message is there. Of those given up on, some may be there too: not confirmed is not the
        // same as refused (a publish the leader had taken may be committed once the majority is back). Nothing else.
        assertTrue(stored.containsAll(confirmed), "confirmed, then lost: " + confirmed.stream()
                .filter(id -> !stored.contains(id)).toList());
        Set<String> unknown = new HashSet<>(stored);
        unknown.removeAll(confirmed);
        unknown.removeAll(gaveUp);
        assertEquals(Set.of(), unknown);
        System.out.printf("[cluster] without a majority: %d of the 10 given up on were in the queue afterwards%n",
                stored.size() - confirmed.size());
    }

    @Test
    void aClassicQueueIsUnusableWhileItsOneNodeIsDown() throws Exception {
        String queue = Await.unique("classic");
        LocalRabbitMq home = cluster.node(3);
        Map<String, String> onNode3 = Map.of("RABBITMQ_URL", home.amqpUrl(), "RABBITMQ_QUEUE", queue,
                "RABBITMQ_QUEUE_TYPE", "classic");
        Programs.Running before = Programs.run(RUN, "rabbitmq-producer", onNode3, "--count", "3");
        assertEquals(0, before.exitCode(), before.output());

        cluster.stop(3);
        Map<String, String> anyNode = Map.of("RABBITMQ_URL", cluster.amqpUrl(), "RABBITMQ_QUEUE", queue,
                "RABBITMQ_QUEUE_TYPE", "classic");
        Programs.Running during = Programs.run(RUN, "rabbitmq-consumer", anyNode);
        assertEquals(1, during.exitCode(), during.output());
        assertContains(during.output(), "queue '" + queue + "' is a classic queue, and the one node that holds it is"
                + " down (NOT_FOUND - home node '" + home.nodeName() + "'");

        cluster.start(3);
        // Back with its node, and its durable messages with it.
        Await.until("3 messages in the queue", RUN, () -> Await.orElse(-1L,
                () -> Rabbit.number(queueJson(queue), "messages")) == 3);
    }

    /** host:port of the {@code index}th (re)connection line of a program. */
    static String node(Programs.Running program, int index) {
        List<String> nodes = program.lines().stream().map(CONNECTED::matcher).filter(Matcher::find)
                .map(m -> m.group(1)).toList();
        return nodes.get(index);
    }

    /** It said it lost node {@code lost}, and later that it reconnected to another node. */
    static void assertFailedOver(Programs.Running program, int lost) {
        String address = "127.0.0.1:" + cluster.node(lost).amqpPort();
        String output = program.output();
        assertContains(output, "lost the connection to RabbitMQ at " + address
                + " (CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'): reconnecting to any"
                + " of 3 addresses");
        Matcher reconnected = Pattern.compile("reconnected to RabbitMQ at ([\\d.]+:\\d+) \\(was " + Pattern.quote(address)
                + "\\) after [\\d.]+ s").matcher(output);
        assertTrue(reconnected.find(), output);
        assertNotEquals(address, reconnected.group(1));
    }

    static Set<String> received(Programs.Running consumer) {
        return ids(consumer, RECEIVED);
    }

    static Set<String> ids(Programs.Running program, Pattern pattern) {
        Set<String> ids = new LinkedHashSet<>();
        for (String line : program.lines()) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }

    /** The queue as the management API of a running node describes it. */
    static String queueJson(String queue) throws Exception {
        for (int n = 1; n <= 3; n++) {
            LocalRabbitMq node = cluster.node(n);
            if (node.running()) {
                HttpResponse<String> response = HttpClient.newHttpClient().send(
                        node.managementRequest("/api/queues/%2F/" + queue).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return response.body();
                }
            }
        }
        throw new IllegalStateException("no running node knows queue " + queue);
    }

    static String text(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "";
    }

    static Set<String> list(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":\\[([^\\]]*)\\]").matcher(json);
        return m.find() && !m.group(1).isBlank() ? new HashSet<>(List.of(m.group(1).replace("\"", "").split(",")))
                : Set.of();
    }
}
