package io.github.mqexamples.kafka.consumer;

import io.github.mqexamples.common.kafka.KafkaClientConfig;
import io.github.mqexamples.common.kafka.KafkaTopics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The group's lag on the topic, what {@code kafka-consumer-groups --describe} shows as LAG: per partition, the end
 * offset (where the next record will be written) minus the group's committed offset (where it resumes), summed.
 * That is what the group has not yet done: records waiting, the Kafka counterpart of a queue's depth. A burst
 * shows as lag that rises while the producer outpaces the group and drains to 0 once it has caught up.
 *
 * <p>It asks the cluster through an Admin client of its own, not through a member's KafkaConsumer: a KafkaConsumer
 * is not thread-safe and belongs to its poll loop, while this is called from the progress thread once a second.
 */
final class GroupLag implements AutoCloseable {

    /** Short: an answer is wanted within the second between two progress lines, or not at all. */
    static final Duration TIMEOUT = Duration.ofMillis(800);

    private final Admin admin;
    private final String group;
    private final String topic;

    GroupLag(String bootstrapServers, KafkaClientConfig client, String group, String topic) {
        this.admin = KafkaTopics.admin(bootstrapServers, client, "kafka-consumer-lag", TIMEOUT);
        this.group = group;
        this.topic = topic;
    }

    /** The lag summed over the topic's partitions, or -1 when the cluster does not answer in time (or no topic). */
    long lag() {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(left(deadline), TimeUnit.NANOSECONDS).get(topic).partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(left(deadline), TimeUnit.NANOSECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            for (TopicPartition p : partitions) {
                latest.put(p, OffsetSpec.latest());
                if (committed.get(p) == null) {
                    earliest.put(p, OffsetSpec.earliest());
                }
            }
            var ends = admin.listOffsets(latest).all().get(left(deadline), TimeUnit.NANOSECONDS);
            // A partition the group has not committed yet is read from its oldest record (auto.offset.reset=
            // earliest), so all of it is waiting. kafka-consumer-groups shows "-" there; a count says more.
            Map<TopicPartition, ListOffsetsResultInfo> starts = earliest.isEmpty() ? Map.of()
                    : admin.listOffsets(earliest).all().get(left(deadline), TimeUnit.NANOSECONDS);
            long lag = 0;
            for (TopicPartition p : partitions) {
                OffsetAndMetadata c = committed.get(p);
                long from = c != null ? c.offset() : starts.get(p).offset();
                lag += Math.max(0, ends.get(p).offset() - from);
            }
            return lag;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the progress thread is being shut down
            return -1;
        } catch (Exception e) {
            return -1; // unreachable, too slow, or the topic is not there (yet): the line leaves the lag out
        }
    }

    private static long left(long deadline) {
        return Math.max(1, deadline - System.nanoTime());
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(1)); // pending calls to an unreachable cluster are not waited for
    }
}
