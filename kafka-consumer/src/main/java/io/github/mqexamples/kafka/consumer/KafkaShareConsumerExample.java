package io.github.mqexamples.kafka.consumer;

import io.github.mqexamples.common.BrokerException;
import io.github.mqexamples.common.Log;
import io.github.mqexamples.common.SimulatedWork;
import io.github.mqexamples.common.kafka.KafkaClientConfig;
import io.github.mqexamples.common.kafka.KafkaConnectionWatch;
import io.github.mqexamples.common.kafka.KafkaErrors;
import io.github.mqexamples.common.kafka.KafkaTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;

/**
 * A share-group consumer (KIP-932, "queues for Kafka"): the members of a share group take records one by one,
 * not partitions, and acknowledge each record on its own, as RabbitMQ consumers do:
 * <ul>
 *   <li>ACCEPT: done (RabbitMQ: ack);</li>
 *   <li>RELEASE: give it back to be delivered again, to any member, with its delivery count raised
 *       (RabbitMQ: nack with requeue);</li>
 *   <li>REJECT: never deliver it again (RabbitMQ: reject without requeue, i.e. dead-letter or drop).</li>
 * </ul>
 * The broker counts the deliveries of each record; after {@code share.delivery.count.limit} it archives the
 * record by itself, so a poison record cannot come back forever even if nobody rejects it.
 */
public final class KafkaShareConsumerExample {

    /** @param maxAttempts deliveries before a failing record is rejected */
    public record Config(String bootstrapServers, String topic, String shareGroup, int maxMessages,
                         SimulatedWork work, int maxAttempts, KafkaClientConfig client) {

        /** Without client settings: PLAINTEXT, no login. */
        public Config(String bootstrapServers, String topic, String shareGroup, int maxMessages, SimulatedWork work,
                      int maxAttempts) {
            this(bootstrapServers, topic, shareGroup, maxMessages, work, maxAttempts, KafkaClientConfig.NONE);
        }
    }

    /** Told of each acknowledgement: the record (with its delivery count) and how it was acknowledged. */
    @FunctionalInterface
    public interface Listener {
        void acknowledged(ConsumerRecord<String, String> record, AcknowledgeType type);
    }

    private final Config config;
    private final Listener listener;
    private final Logger log = Log.forProgram("kafka-consumer");
    private volatile boolean stopping;
    private volatile KafkaShareConsumer<String, String> consumer;
    private int count;

    public KafkaShareConsumerExample(Config config, Listener listener) {
        this.config = config;
        this.listener = listener;
    }

    static Properties properties(Config config) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()); // it learns the other brokers
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kafka-share-consumer"); // names us in the brokers' logs
        // The share group: its members share the records of the topic's partitions, not the partitions.
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.shareGroup());
        // Explicit acknowledgement: every record polled must be acknowledged ACCEPT, RELEASE or REJECT before
        // the next poll. (The implicit mode accepts a whole batch on the next poll, like auto-ack.)
        props.put("share.acknowledgement.mode", "explicit");
        // Keys and values are text. (A value that is not would be garbled, not rejected: the group consumer decodes
        // strictly, see StrictUtf8; here a bad record still comes back at most share.delivery.count.limit times.)
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return config.client().applyTo(props, KafkaClientConfig.Client.CONSUMER);
    }

    /** Reads until {@link #stop()} or {@code maxMessages} records were accepted or rejected. */
    public int run() throws Exception {
        configureGroup();
        // close(), at the end of this block: releases the records still acquired, for other members to take.
        try (KafkaShareConsumer<String, String> kafka = new KafkaShareConsumer<>(properties(config));
             // Lines of our own while the broker is away: lost, still waiting, connected again (the client's are off).
             KafkaConnectionWatch watch = KafkaConnectionWatch.start(log, config.bootstrapServers(), kafka::metrics,
                     "the share consumer reads on once Kafka is back")) {
            consumer = kafka;
            if (stopping) {
                return 0;
            }
            kafka.subscribe(List.of(config.topic())); // records of every partition, shared with the other members
            log.info("waiting for records on topic '{}' at {} (share group '{}', explicit acknowledgement)."
                    + " Press Ctrl-C to stop.", config.topic(), config.bootstrapServers(), config.shareGroup());
            try {
                while (!stopping) {
                    // poll: records this member acquires for a while (the broker's lock); other members get others.
                    ConsumerRecords<String, String> records = kafka.poll(Duration.ofSeconds(1));
                    for (ConsumerRecord<String, String> record : records) {
                        AcknowledgeType type = stopping ? AcknowledgeType.RELEASE : process(record);
                        kafka.acknowledge(record, type); // noted here; sent with commitSync() below
                        listener.acknowledged(record, type);
                        if (type != AcknowledgeType.RELEASE) {
                            count++;
                            if (config.maxMessages() > 0 && count >= config.maxMessages()) {
                                stopping = true; // the rest of this batch is released below
                            }
                        }
                    }
                    // Sends the acknowledgements to the broker and waits for its answer.
                    kafka.commitSync();
                }
            } catch (WakeupException e) {
                // stop() woke a blocked call: the normal way out. Any other error is fatal and ends the program;
                // close() releases what is acquired, and the broker delivers it again, to whichever member.
            }
            log.info("stopped after {} record(s)", count);
            return count;
        }
    }

    private AcknowledgeType process(ConsumerRecord<String, String> record) throws InterruptedException {
        int delivery = record.deliveryCount().map(Short::intValue).orElse(1);
        log.info("received topic={} partition={} offset={} key={} value='{}' (delivery {})", record.topic(),
                record.partition(), record.offset(), record.key(), record.value(), delivery);
        try {
            config.work().process(record.value(), delivery);
            log.info("ACCEPT partition={} offset={}", record.partition(), record.offset());
            return AcknowledgeType.ACCEPT;
        } catch (Exception e) {
            if (delivery < config.maxAttempts()) {
                log.warn("RELEASE partition={} offset={} after delivery {} of {}: {}", record.partition(),
                        record.offset(), delivery, config.maxAttempts(), e.getMessage());
                return AcknowledgeType.RELEASE;
            }
            log.warn("REJECT partition={} offset={} after delivery {} of {}: {}", record.partition(),
                    record.offset(), delivery, config.maxAttempts(), e.getMessage());
            return AcknowledgeType.REJECT;
        }
    }

    /** Ends {@link #run()}; records in hand are released to other members. Safe from any thread. */
    public void stop() {
        stopping = true;
        KafkaShareConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /**
     * A share group's settings live on the broker, per group. Two matter here: start from the earliest record
     * (the default, latest, would miss records sent before the group first started, as the Go sample did),
     * and the delivery limit after which the broker archives a record that keeps coming back.
     */
    private void configureGroup() throws InterruptedException {
        try (Admin admin = KafkaTopics.admin(config.bootstrapServers(), config.client())) {
            ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, config.shareGroup());
            List<AlterConfigOp> ops = List.of(
                    new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("share.delivery.count.limit",
                            String.valueOf(Math.max(2, config.maxAttempts()))), AlterConfigOp.OpType.SET));
            admin.incrementalAlterConfigs(Map.of(group, ops)).all()
                    .get(KafkaErrors.FIRST_CONTACT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw KafkaErrors.unreachable(config.bootstrapServers(), config.client(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw KafkaErrors.unreachable(config.bootstrapServers(), config.client(), e);
            }
            BrokerException explained = KafkaErrors.explain(e, config.bootstrapServers(), config.client(), "read");
            if (explained != null) {
                throw explained;
            }
            throw new BrokerException("cannot configure share group '"
                    + config.shareGroup() + "' (share groups need Kafka 4.2 or newer): " + e.getCause().getMessage(), e);
        }
    }
}
