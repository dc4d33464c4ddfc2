package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static io.github.mqexamples.it.Checks.assertLacks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.common.Throughput;
import io.github.mqexamples.common.kafka.KafkaDelivery;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * docs/kafka.md section 14: many threads in one process. The producer's --threads share ONE KafkaProducer (one
 * producer id on the broker), the record numbers (each sent once) and --rate; a failed send still stops them all
 * with every record accounted for. The consumer's --concurrency runs that many members of the group in one
 * process, one KafkaConsumer per thread: the group sees three members, one partition each, and every record is
 * read once, --max-messages counting for the process; SIGTERM makes every member commit and leave.
 */
class KafkaThreadsIT {

    static final Duration RUN = Duration.ofSeconds(90);
    static final int COUNT = 2000;
    static final Pattern MEMBER_RECEIVED = Pattern.compile("(kafka-consumer-\\d) - received topic=\\S+ partition=(\\d+)"
            + " offset=\\d+ key=\\S* value='(.*)'");

    static Set<String> values(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> "Hello Kafka! #" + i).collect(Collectors.toSet());
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void fourThreadsShareOneProducerAndEachRecordIsSentOnce() throws Exception {
        String servers = TestBrokers.kafka().bootstrapServers();
        String topic = Await.unique("threads");
        Programs.Running producer = Programs.run(RUN, "kafka-producer", KafkaTests.env(servers, topic, "-"),
                "--threads", "4", "--count", String.valueOf(COUNT), "--log-messages", "false");
        assertEquals(0, producer.exitCode(), producer.output());
        assertContains(producer.output(), "4 threads sending through one producer");
        assertContains(producer.output(), COUNT + " of " + COUNT + " records acknowledged");

        // Each record number sent once, by one of the threads: 2000 records in the topic (read to its end, so a
        // record sent twice would be counted), 2000 values #1 to #2000, 2000 message ids.
        List<ConsumerRecord<String, byte[]>> records = KafkaTests.readAll(servers, topic, COUNT, RUN);
        assertEquals(COUNT, records.size());
        assertEquals(values(COUNT), records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .collect(Collectors.toSet()));
        assertEquals(COUNT, records.stream().map(r -> header(r, KafkaDelivery.MESSAGE_ID_HEADER)).distinct().count());

        // One producer for the four threads: the broker knows one idempotent producer id, on every partition.
        try (Admin admin = KafkaTests.admin(servers)) {
            List<TopicPartition> partitions = IntStream.range(0, 3).mapToObj(p -> new TopicPartition(topic, p)).toList();
            Set<Long> producerIds = new HashSet<>();
            admin.describeProducers(partitions).all().get().values()
                    .forEach(state -> state.activeProducers().forEach(p -> producerIds.add(p.producerId())));
            assertEquals(1, producerIds.size(), "producer ids that wrote the topic: " + producerIds);
        }
    }

    @Test
    void threadsShareTheRate() {
        String servers = TestBrokers.kafka().bootstrapServers();
        String topic = Await.unique("threads-rate");
        Programs.Running producer = Programs.run(RUN, "kafka-producer", KafkaTests.env(servers, topic, "-"),
                "--threads", "4", "--rate", "50", "--count", "100", "--log-messages", "false");
        assertEquals(0, producer.exitCode(), producer.output());
        // 100 records at 50 a second, all threads together: 2 s of send times (less at most the 1 s a pacer
        // catches up on after the client connected). A pacer per thread would make it 200 a second: 0.5 s.
        List<Long> sentMicros = KafkaTests.readAll(servers, topic, 100, RUN).stream()
                .map(r -> Long.parseLong(header(r, Throughput.SENT_AT_HEADER))).sorted().toList();
        assertEquals(100, sentMicros.size());
        long spanMs = (sentMicros.get(99) - sentMicros.get(0)) / 1000;
        assertTrue(spanMs >= 1_500, "100 records at --rate 50 were sent within " + spanMs + " ms");
    }

    @Test
    void aFailedSendStopsEveryThreadAndEachRecordIsAccountedFor() throws Exception {
        String servers = TestBrokers.kafka().bootstrapServers();
        String topic = Await.unique("threads-fail");
        // A topic that takes no record over 1000 bytes: the broker refuses each 2000-byte record (not retriable),
        // and the producer learns it from its callbacks, as it learns of a send that timed out.
        try (Admin admin = KafkaTests.admin(servers)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of("max.message.bytes", "1000")))).all().get();
        }
        Programs.Running producer = Programs.run(RUN, "kafka-producer", KafkaTests.env(servers, topic, "-"),
                "--threads", "4", "--count", "200", "--size", "2000", "--rate", "100", "--log-messages", "false");
        assertEquals(1, producer.exitCode(), producer.output());
        assertContains(producer.output(), "giving up after a failed send");
        Matcher summary = Pattern.compile("only 0 of 200 records acknowledged, (\\d+) failed, (\\d+) not sent")
                .matcher(producer.output());
        assertTrue(summary.find(), producer.output());
        int failed = Integer.parseInt(summary.group(1));
        int notSent = Integer.parseInt(summary.group(2));
        // Every record accounted for, once: failed or never sent. The threads stopped soon after the first
        // failure (200 records at --rate 100 take 2 s; the first answer comes within milliseconds).
        assertEquals(200, failed + notSent, summary.group());
        assertTrue(failed >= 1 && notSent >= 100, summary.group());
        assertEquals(failed, producer.lines().stream().filter(l -> l.contains("could not send key=")).count());
    }

    @Test
    void threeConsumersInOneProcessShareThePartitionsAndReadEachRecordOnce() throws Exception {
        String servers = TestBrokers.kafka().bootstrapServers();
        String topic = Await.unique("concurrency");
        String group = topic + "-group";
        Map<String, String> env = KafkaTests.env(servers, topic, group);
        try (Admin admin = KafkaTests.admin(servers)) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        // --max-messages counts for the process: it ends after 2000 in all (per member, it would never end).
        Programs.Running consumer = Programs.start("kafka-consumer", env, "--concurrency", "3",
                "--max-messages", String.valueOf(COUNT));
        try (Admin admin = KafkaTests.admin(servers)) {
            // The group sees three members, all from this one process (kafka-consumer-1 to -3, the same host),
            // each owning one partition of the topic.
            Await.until("three members with a partition each", RUN, () -> Await.orElse(false, () -> {
                Collection<MemberDescription> members = members(admin, group);
                return members.size() == 3 && members.stream().allMatch(m -> partitionsOf(m, topic).size() == 1);
            }));
            Collection<MemberDescription> members = members(admin, group);
            assertEquals(Set.of("kafka-consumer-1", "kafka-consumer-2", "kafka-consumer-3"),
                    members.stream().map(MemberDescription::clientId).collect(Collectors.toSet()));
            assertEquals(1, members.stream().map(MemberDescription::host).distinct().count(), members.toString());
            Map<String, Integer> partitionOf = new HashMap<>();
            members.forEach(m -> partitionOf.put(m.clientId(), partitionsOf(m, topic).get(0)));
            assertEquals(Set.of(0, 1, 2), new HashSet<>(partitionOf.values()));

            Programs.Running producer = Programs.run(RUN, "kafka-producer", env, "--threads", "4", "--count",
                    String.valueOf(COUNT), "--log-messages", "false");
            assertEquals(0, producer.exitCode(), producer.output());
            assertEquals(0, consumer.awaitExit(RUN), consumer.output());

            // Every record once: 2000 "received" lines, 2000 values, none skipped as a duplicate. Each member read
            // records, and only from the partition the group gave it.
            List<String> received = new ArrayList<>();
            Map<String, Integer> perMember = new HashMap<>();
            for (String line : consumer.lines()) {
                Matcher m = MEMBER_RECEIVED.matcher(line);
                if (m.find()) {
                    received.add(m.group(3));
                    perMember.merge(m.group(1), 1, Integer::sum);
                    assertEquals(partitionOf.get(m.group(1)), Integer.valueOf(m.group(2)), line);
                }
            }
            assertEquals(COUNT, received.size(), "received lines");
            assertEquals(values(COUNT), new HashSet<>(received));
            assertLacks(consumer.output(), "skipped duplicate");
            assertEquals(3, perMember.size(), "every member read: " + perMember);
            assertContains(consumer.output(), "3 members stopped after " + COUNT + " record(s) in all");
            // Each member committed what it read, and left the group (no member waits out a session timeout).
            assertEquals(COUNT, KafkaTests.committedTotal(servers, group, topic));
            assertEquals(0, members(admin, group).size(), "the members left the group");
        } finally {
            consumer.kill();
        }
    }

    @Test
    void sigtermStopsEveryMemberWhichCommitsWhatItProcessedAndLeaves() throws Exception {
        String servers = TestBrokers.kafka().bootstrapServers();
        String topic = Await.unique("concurrency-stop");
        String group = topic + "-group";
        Map<String, String> env = KafkaTests.env(servers, topic, group);
        assertEquals(0, Programs.run(RUN, "kafka-producer", env, "--count", "600", "--log-messages", "false")
                .exitCode());
        // 20 ms a record: SIGTERM comes with most of the 600 still to read.
        Programs.Running consumer = Programs.start("kafka-consumer", env, "--concurrency", "3", "--work-ms", "20");
        try (Admin admin = KafkaTests.admin(servers)) {
            // Each member past its first batch (10 records) and its commit, mid-stream.
            Await.until("three members reading", RUN, () -> Set.of("kafka-consumer-1", "kafka-consumer-2",
                    "kafka-consumer-3").stream().allMatch(member -> consumer.lines().stream()
                    .filter(l -> l.contains(member + " - received ")).count() > 10));
            long t0 = System.nanoTime();
            consumer.terminate();
            assertEquals(0, consumer.awaitExit(Duration.ofSeconds(30)), consumer.output());
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(15).toNanos(), "exited within seconds");

            long received = consumer.lines().stream().filter(l -> MEMBER_RECEIVED.matcher(l).find()).count();
            assertTrue(received > 0 && received < 600, "stopped in the middle: " + received);
            for (int i = 1; i <= 3; i++) {
                assertContains(consumer.output(), "kafka-consumer-" + i + " - stopped after ");
            }
            // The records processed, exactly, are committed: each member committed its own before leaving.
            assertEquals(received, KafkaTests.committedTotal(servers, group, topic));
            // ... and left the group at once: the group is empty now, not in 10 s when sessions would time out.
            assertEquals(0, members(admin, group).size(), "the members left the group");
        } finally {
            consumer.kill();
        }
    }

    private static Collection<MemberDescription> members(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get().members();
    }

    private static List<Integer> partitionsOf(MemberDescription member, String topic) {
        return member.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topic))
                .map(TopicPartition::partition).toList();
    }
}
