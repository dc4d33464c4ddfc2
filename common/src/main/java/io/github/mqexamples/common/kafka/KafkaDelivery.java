package io.github.mqexamples.common.kafka;

import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;

/** What every producer of the examples does to make a sent record safe, and recognisable when read twice. */
public final class KafkaDelivery {

    /**
     * The record header with the id the producer gave the record. The consumer skips a record whose id it has
     * already applied (read again after a crash before its commit), and keeps it on every retry copy.
     */
    public static final String MESSAGE_ID_HEADER = "message-id";

    private KafkaDelivery() {
    }

    /** Sets acks=all and idempotence on producer {@code props}; returns them. */
    public static Properties acksAllIdempotent(Properties props) {
        // acks=all: a send succeeds only once every in-sync replica has the record, so losing the leader
        // right after the ack cannot lose it (with min.insync.replicas=2 on the topic, at least two copies).
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Idempotence: the broker drops a retried batch it has already written, so the producer's own retries
        // (after a timeout or a leader change) never duplicate or reorder records within a partition.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return props;
    }
}
