package io.github.mqexamples.kafka.producer;

import io.github.mqexamples.common.BrokerException;
import io.github.mqexamples.common.Log;
import io.github.mqexamples.common.kafka.KafkaErrors;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;

/** Creates the topic if it is missing, then sends records and waits until each is acknowledged or failed. */
public final class KafkaProducerExample {

    /** @param key null = a different key per record */
    public record Config(String bootstrapServers, String topic, int partitions, short replicationFactor,
                         int count, String message, String key) {
    }

    public record Result(int count, int acknowledged, int failed) {
        public boolean allAcknowledged() {
            return acknowledged == count;
        }
    }

    private final Config config;
    private final Logger log = Log.forProgram("kafka-producer");

    public KafkaProducerExample(Config config) {
        this.config = config;
    }

    /** Values are numbered when more than one record is sent: "Hello Kafka! #1", "Hello Kafka! #2", ... */
    static String value(String message, int number, int count) {
        return count == 1 ? message : message + " #" + number;
    }

    public Result send() throws InterruptedException {
        createTopicIfMissing();

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "kafka-producer");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        // acks=all: a send succeeds only once every in-sync replica has the record, so losing the leader
        // right after the ack cannot lose it.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Idempotence: the broker drops a retried batch it has already written, so the producer's own retries
        // (after a timeout or a leader change) never duplicate or reorder records within a partition.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // The total time a send may take, retries included, before its callback reports a failure.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        // How long to wait for one answer from a broker before retrying; must fit in the delivery timeout.
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        // How long send() itself may block, e.g. waiting for the topic's metadata.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);

        AtomicInteger acknowledged = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int i = 1; i <= config.count(); i++) {
                // Records with the same key go to the same partition, and so keep their order.
                String key = config.key() != null ? config.key() : "key-" + i;
                String value = value(config.message(), i, config.count());
                // send() is asynchronous: it batches records and calls back once the cluster has answered.
                producer.send(new ProducerRecord<>(config.topic(), key, value), (metadata, exception) -> {
                    if (exception == null) {
                        acknowledged.incrementAndGet();
                        log.info("sent key={} value='{}' partition={} offset={}", key, value,
                                metadata.partition(), metadata.offset());
                    } else {
                        // The producer has already retried what was retriable (until delivery.timeout.ms);
                        // an exception here is final for this record.
                        failed.incrementAndGet();
                        log.error("could not send key={} value='{}': {}", key, value, exception.toString());
                    }
                });
            }
            // Wait until every record sent so far is acknowledged or failed.
            producer.flush();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw KafkaErrors.unreachable(config.bootstrapServers(), e);
        }
        Result result = new Result(config.count(), acknowledged.get(), failed.get());
        if (result.allAcknowledged()) {
            log.info("{} of {} records acknowledged (topic '{}')", result.acknowledged(), result.count(), config.topic());
        } else {
            log.error("only {} of {} records acknowledged, {} failed", result.acknowledged(), result.count(),
                    result.failed());
        }
        return result;
    }

    /**
     * Creating the topic explicitly (rather than relying on the broker's auto-creation) gives it the
     * partitions and replication the examples need. It also tells us early whether the cluster answers.
     */
    private void createTopicIfMissing() throws InterruptedException {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        int timeoutMs = (int) KafkaErrors.FIRST_CONTACT_TIMEOUT.toMillis();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        Admin admin = Admin.create(props);
        try {
            admin.describeCluster().clusterId().get(KafkaErrors.FIRST_CONTACT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            NewTopic topic = new NewTopic(config.topic(), config.partitions(), config.replicationFactor());
            admin.createTopics(List.of(topic)).all().get();
            log.info("created topic '{}' ({} partitions, replication factor {})", config.topic(),
                    config.partitions(), config.replicationFactor());
        } catch (java.util.concurrent.TimeoutException e) {
            throw KafkaErrors.unreachable(config.bootstrapServers(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return; // already there: keep it as it is
            }
            if (e.getCause() instanceof InvalidReplicationFactorException) {
                throw new BrokerException("cannot create topic '" + config.topic() + "' with replication factor "
                        + config.replicationFactor() + ": " + e.getCause().getMessage()
                        + " Use --replication-factor no larger than the number of brokers.", e);
            }
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw KafkaErrors.unreachable(config.bootstrapServers(), e);
            }
            throw new BrokerException("cannot create topic '" + config.topic() + "': " + e.getCause(), e);
        } finally {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
