package io.github.mqexamples.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What the Kafka scenario tests look at besides the programs: offsets, topics, the programs' log lines. */
final class KafkaTests {

    static final Pattern RECEIVED = Pattern.compile("received topic=(\\S+) partition=(\\d+) offset=(\\d+) key=(\\S*)"
            + " value='(.*)'");

    private KafkaTests() {
    }

    static Admin admin(String servers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers));
    }

    /** The environment that points a program at {@code servers}, {@code topic} and {@code group}. */
    static Map<String, String> env(String servers, String topic, String group) {
        return Map.of("KAFKA_BOOTSTRAP_SERVERS", servers, "KAFKA_TOPIC", topic, "KAFKA_GROUP_ID", group);
    }

    /** The group's committed offsets for the partitions of {@code topic} (not its .retry / .dlt). */
    static Map<Integer, Long> committed(String servers, String group, String topic) throws Exception {
        try (Admin admin = admin(servers)) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            Map<Integer, Long> out = new HashMap<>();
            offsets.forEach((tp, o) -> {
                if (tp.topic().equals(topic) && o != null) {
                    out.put(tp.partition(), o.offset());
                }
            });
            return out;
        }
    }

    static long committedTotal(String servers, String group, String topic) throws Exception {
        return committed(servers, group, topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /** One record batch as a broker stored it: where it sits, its size, codec, and its records' timestamps. */
    record StoredBatch(long baseOffset, long nextOffset, int bytes, CompressionType compression,
                       List<Long> timestamps) {
        int records() {
            return timestamps.size();
        }
    }

    /**
     * The record batches of one partition as a local broker stored them: its log segments in {@code partitionDir}
     * (such as {@code <log.dirs>/topic-0}), oldest first. What the producer decided (batching, compression) is
     * only visible here; a consumer gets records, not batches. A batch still being written is left out.
     */
    static List<StoredBatch> batches(Path partitionDir) {
        List<StoredBatch> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(partitionDir)) {
            for (Path segment : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                // A copy of the bytes, parsed in memory: the broker may be appending to the file (the parser
                // stops at a batch not yet complete), and nothing here may touch it (FileRecords.close() would
                // trim a file that grew while it was open).
                MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(Files.readAllBytes(segment)));
                for (RecordBatch batch : records.batches()) {
                    List<Long> timestamps = new ArrayList<>();
                    batch.forEach(r -> timestamps.add(r.timestamp()));
                    out.add(new StoredBatch(batch.baseOffset(), batch.nextOffset(), batch.sizeInBytes(),
                            batch.compressionType(), timestamps));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The offset after the last record a local broker stored in {@code partitionDir}: its log end offset. */
    static long logEndOffset(Path partitionDir) {
        List<StoredBatch> batches = batches(partitionDir);
        return batches.isEmpty() ? 0 : batches.get(batches.size() - 1).nextOffset();
    }

    /** The time of day a program's log line starts with (HH:mm:ss.SSS, the programs' clock). */
    static LocalTime loggedAt(String line) {
        return LocalTime.parse(line.substring(0, 12));
    }

    /** Milliseconds from one logged time of day to a later one, across midnight too. */
    static long millisBetween(LocalTime earlier, LocalTime later) {
        return Math.floorMod(Duration.between(earlier, later).toMillis(), Duration.ofDays(1).toMillis());
    }

    /** The "received ..." lines of a consumer program, as matchers (topic, partition, offset, key, value). */
    static List<Matcher> received(Programs.Running program) {
        List<Matcher> out = new ArrayList<>();
        for (String line : program.lines()) {
            Matcher m = RECEIVED.matcher(line);
            if (m.find()) {
                out.add(m);
            }
        }
        return out;
    }

    static final Pattern RETRIED = Pattern.compile("the client retried (\\d+) record send\\(s\\)");

    /** How many record sends the producer program says its client retried (it says nothing when none were). */
    static long retriedRecordSends(Programs.Running producer) {
        Matcher m = RETRIED.matcher(producer.output());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    static List<String> receivedValues(Programs.Running program) {
        return received(program).stream().map(m -> m.group(5)).toList();
    }

    /**
     * Every record of {@code topic} from the beginning: waits until at least {@code expected} are there, then reads
     * on to the end offsets of all its partitions. So a caller that asserts {@code size() == expected} also sees
     * records beyond those it expected (a duplicate, a record written twice), instead of a reader that stopped
     * counting at {@code expected}.
     */
    static List<ConsumerRecord<String, byte[]>> readAll(String servers, String topic, int expected, Duration timeout) {
        return readAll(servers, topic, expected, timeout, "read_uncommitted");
    }

    /**
     * As {@link #readAll(String, String, int, Duration)}, with this isolation level: read_committed stops at the
     * last stable offset and skips what aborted transactions wrote; read_uncommitted reads everything written.
     */
    static List<ConsumerRecord<String, byte[]>> readAll(String servers, String topic, int expected, Duration timeout,
                                                        String isolation) {
        Properties props = new Properties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<TopicPartition> partitions = List.of();
            while (partitions.isEmpty() && System.nanoTime() < deadline) { // the topic may not exist yet
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
                if (out.size() >= expected && readToTheEnd(consumer, partitions)) {
                    break;
                }
            }
        }
        return out;
    }

    /** True when the consumer's position in every partition has reached the partition's end offset. */
    private static boolean readToTheEnd(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
        return partitions.stream().allMatch(p -> consumer.position(p, Duration.ofSeconds(10)) >= end.get(p));
    }
}
