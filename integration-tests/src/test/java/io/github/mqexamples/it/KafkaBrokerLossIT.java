package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.brokers.LocalKafkaCluster;
import io.github.mqexamples.kafka.consumer.KafkaConsumerConfig;
import io.github.mqexamples.kafka.consumer.KafkaConsumerExample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Scenario 8: a cluster of three brokers, a topic with 3 replicas and min.insync.replicas=2. The leader of
 * partition 0 goes away while the producer is sending and the consumer reading: every record sent is
 * acknowledged, consumed, and written once. Twice: stopped (a controlled shutdown), and killed (SIGKILL).
 * Each test runs a cluster of its own (one KRaft controller in this JVM; three brokers, in this JVM or in
 * JVMs of their own that can be killed).
 */
class KafkaBrokerLossIT {

    static final Duration RUN = Duration.ofSeconds(120);
    static final int COUNT = 300;
    static final String TOPIC = "replicated";

    /** How the leader of partition 0 goes away, once the stream is under way. */
    @FunctionalInterface
    interface Loss {
        void of(int leader, TopicPartitionInfo partition0) throws Exception;
    }

    /**
     * A controlled shutdown moves the leadership of the broker's partitions to the others before the broker
     * goes. A request to the old leader in that short window (from 50 ms, the broker's next heartbeat) is
     * answered NOT_LEADER_OR_FOLLOWER and retried; but the client may as well send nothing there in the window
     * and just find the new leader in fresh metadata. So a retry is likely here, not certain, and not asserted:
     * the kill below is where a retry is certain.
     */
    @Test
    void everyRecordSurvivesALeaderStoppedMidStreamOnceAndOnlyOnce() throws Exception {
        try (LocalKafkaCluster cluster = timed("3 brokers in this JVM", () -> LocalKafkaCluster.launch(3))) {
            Programs.Running producer = run(cluster, (leader, partition0) -> cluster.stopBroker(leader));
            System.out.println("[broker loss] controlled stop: the client retried "
                    + KafkaTests.retriedRecordSends(producer) + " record send(s)");
        }
    }

    /**
     * SIGKILL: no controlled shutdown, so the controller moves the leadership only when the broker's heartbeats
     * have stopped for broker.session.timeout.ms (9 s), and the requests it had in flight are never answered:
     * the client sees the connection drop and must send them again. A kill at a random moment may find no
     * request in flight; to kill the leader with one certainly in flight, a follower is frozen first (SIGSTOP),
     * so that no acks=all write can complete; once the leader has appended a batch it cannot acknowledge, it is
     * killed, and the follower goes on (SIGCONT). That retried batch may already be in the new leader's log
     * (replicated before the kill): idempotence is what keeps it from being written twice.
     */
    @Test
    void everyRecordSurvivesALeaderKilledMidStreamOnceAndOnlyOnce() throws Exception {
        try (LocalKafkaCluster cluster = timed("3 brokers in child JVMs",
                () -> LocalKafkaCluster.launchWithBrokerProcesses(3))) {
            int[] killed = {0};
            Programs.Running producer = run(cluster, (leader, partition0) -> {
                killed[0] = leader;
                int follower = partition0.replicas().stream().mapToInt(n -> n.id()).filter(id -> id != leader)
                        .findFirst().orElseThrow();
                assertTrue(partition0.isr().stream().anyMatch(n -> n.id() == follower),
                        "the follower to freeze is in sync, so the leader must wait for it: " + partition0);
                TopicPartition p0 = new TopicPartition(TOPIC, 0);
                Path atTheLeader = cluster.logDir(leader).resolve(TOPIC + "-0");
                // Only the leader is asked: a client that picked the frozen follower for its metadata would wait
                // for an answer that never comes.
                try (KafkaConsumer<byte[], byte[]> reader = reader(cluster.bootstrapServer(leader))) {
                    reader.assign(List.of(p0));
                    highWatermark(reader, p0); // its metadata comes from the leader, before anything is frozen
                    cluster.freezeBroker(follower);
                    try {
                        // Records the leader has past the high watermark are in produce requests it has not
                        // answered: the watermark waits for the frozen follower. Twice in a row, 100 ms apart,
                        // because a fetch the follower sent just before it froze may still move the watermark once.
                        int[] inARow = {0};
                        Await.until("the leader holds records it cannot acknowledge", RUN, () -> {
                            boolean held = KafkaTests.logEndOffset(atTheLeader) > highWatermark(reader, p0);
                            inARow[0] = held ? inARow[0] + 1 : 0;
                            return inARow[0] == 2;
                        });
                        cluster.killBroker(leader);
                    } finally {
                        cluster.thawBroker(follower);
                    }
                }
            });
            // Said in one line of the producer's own: which broker went away, and that the others still answer; no
            // "still waiting" lines, as the client carries on with them. (A controlled stop need not be said: the
            // broker hands its partitions over first, and closes its connections maybe only after the stream.)
            assertContains(producer.output(), "lost the connection to Kafka at " + cluster.bootstrapServer(killed[0])
                    + " (no connection: the broker is down or restarting)");
            assertContains(producer.output(), " still answer");
            Checks.assertLacks(producer.output(), "still waiting for Kafka");
            long retried = KafkaTests.retriedRecordSends(producer);
            assertTrue(retried > 0, "the batch in flight to the killed leader was sent again: " + retried
                    + " record send(s) retried; output:\n" + producer.output());
        }
    }

    /**
     * Streams {@value #COUNT} records (one every 20 ms, 6 s) into a new topic with a consumer reading; a third
     * of the way through, {@code loss} takes the leader of partition 0 away. Checks what both kinds of loss must
     * keep: the loss fell mid-stream, the partition got a new leader, and every record was acknowledged, read,
     * and written once.
     */
    static Programs.Running run(LocalKafkaCluster cluster, Loss loss) throws Exception {
        String servers = cluster.bootstrapServers();
        String topic = TOPIC;
        Map<String, String> env = KafkaTests.env(servers, topic, "replicated-group");
        Programs.Running producer = Programs.start("kafka-producer", env, "--count", String.valueOf(COUNT),
                "--interval", "20ms", "--replication-factor", "3", "--partitions", "3");
        List<ConsumerRecord<String, String>> received = Collections.synchronizedList(new ArrayList<>());
        KafkaConsumerExample consumer = null;
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Admin admin = KafkaTests.admin(servers)) {
            producer.awaitLine(l -> l.contains("value='Hello Kafka! #20'"), RUN);
            consumer = new KafkaConsumerExample(
                    KafkaConsumerConfig.builder(servers, topic, "replicated-group").maxMessages(COUNT).build(), received::add);
            Future<Integer> consuming = executor.submit(consumer::run);
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            description.partitions().forEach(p -> assertEquals(3, p.replicas().size()));
            String minIsr = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                    .all().get().values().iterator().next().get("min.insync.replicas").value();
            assertEquals("2", minIsr);

            // Mid-stream, the leader of partition 0 goes away.
            producer.awaitLine(l -> l.contains("value='Hello Kafka! #100'"), RUN);
            int leader = description.partitions().get(0).leader().id();
            List<String> atTheLoss = producer.lines();
            loss.of(leader, description.partitions().get(0));

            assertEquals(0, producer.awaitExit(RUN), producer.output());
            assertContains(producer.output(), COUNT + " of " + COUNT + " records acknowledged");
            assertEquals(COUNT, consuming.get(RUN.toSeconds(), TimeUnit.SECONDS), "the consumer read " + COUNT);

            // The loss fell mid-stream: most of the stream was still to be acknowledged when it began...
            long acknowledgedAtTheLoss = atTheLoss.stream().filter(l -> l.contains(" sent key=")).count();
            assertFalse(atTheLoss.stream().anyMatch(l -> l.contains("records acknowledged")), "finished already");
            assertTrue(acknowledgedAtTheLoss <= COUNT - 100, acknowledgedAtTheLoss + " of " + COUNT
                    + " records acknowledged already when the leader went away");
            // ...and partition 0 holds records written by its first leader and by the one after it: each
            // record carries the leader epoch it was written in, and the epoch goes up with a new leader.
            Set<Integer> epochs = received.stream().filter(r -> r.partition() == 0)
                    .map(r -> r.leaderEpoch().orElseThrow()).collect(Collectors.toCollection(TreeSet::new));
            assertTrue(epochs.size() >= 2, "records of partition 0 from before and after the new leader: epochs "
                    + epochs);

            // The partition has a new leader, and the lost broker is out of every in-sync set.
            TopicDescription after = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            assertNotEquals(leader, after.partitions().get(0).leader().id(), "partition 0 has a new leader");
            after.partitions().forEach(p -> {
                assertEquals(2, p.isr().size(), "in sync without the lost broker: " + p);
                assertTrue(p.isr().stream().noneMatch(n -> n.id() == leader), "in sync without the lost broker: " + p);
            });

            // None twice, none lost: exactly 300 records in the log, and 300 different values read.
            Map<TopicPartition, OffsetSpec> latest = description.partitions().stream().collect(Collectors.toMap(
                    p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            long written = admin.listOffsets(latest).all().get().values().stream()
                    .mapToLong(info -> info.offset()).sum();
            assertEquals(COUNT, written, "records in the log: the producer's retries wrote nothing twice");
            assertEquals(COUNT, new HashSet<>(received.stream().map(ConsumerRecord::value).toList()).size(),
                    "different values read");
            return producer;
        } finally {
            if (consumer != null) {
                consumer.stop();
            }
            executor.shutdownNow();
            producer.kill();
        }
    }

    /** The high watermark: the end of what every in-sync replica has, and so of what acks=all may acknowledge. */
    static long highWatermark(KafkaConsumer<?, ?> reader, TopicPartition partition) {
        return reader.endOffsets(List.of(partition), Duration.ofSeconds(10)).get(partition);
    }

    static KafkaConsumer<byte[], byte[]> reader(String servers) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** How long the cluster took to start, in the test output: launching brokers is most of these tests' time. */
    static LocalKafkaCluster timed(String what, java.util.function.Supplier<LocalKafkaCluster> launch) {
        long t0 = System.nanoTime();
        LocalKafkaCluster cluster = launch.get();
        System.out.printf("[broker loss] %s ready in %.1f s%n", what, (System.nanoTime() - t0) / 1e9);
        return cluster;
    }
}
