package io.github.mqexamples.kafka.producer;

import io.github.mqexamples.common.BrokerException;
import io.github.mqexamples.common.Log;
import io.github.mqexamples.common.MessageIds;
import io.github.mqexamples.common.Pacer;
import io.github.mqexamples.common.Throughput;
import io.github.mqexamples.common.kafka.KafkaErrors;
import io.github.mqexamples.common.kafka.KafkaTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
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

    /** The header that carries each record's unique id, for consumers that de-duplicate. */
    public static final String MESSAGE_ID_HEADER = "message-id";

    /** The smallest request timeout the producer uses; delivery.timeout.ms must leave room for one request. */
    static final int MIN_REQUEST_TIMEOUT_MS = 1_000;

    /**
     * @param key null = a different key per record
     * @param interval pause between two records (zero: send as fast as the producer batches)
     */
    public record Config(String bootstrapServers, String topic, int partitions, short replicationFactor,
                         int count, String message, String key, Duration interval, Tuning tuning, Load load) {

        public Config(String bootstrapServers, String topic, int partitions, short replicationFactor,
                      int count, String message, String key, Duration interval, Tuning tuning) {
            this(bootstrapServers, topic, partitions, replicationFactor, count, message, key, interval, tuning,
                    Load.DEFAULTS);
        }

        /** The defaults of the program: no pause, default tuning. */
        public Config(String bootstrapServers, String topic, int partitions, short replicationFactor,
                      int count, String message, String key) {
            this(bootstrapServers, topic, partitions, replicationFactor, count, message, key, Duration.ZERO,
                    Tuning.DEFAULTS);
        }
    }

    /**
     * Throughput runs: {@code size} pads each value to that many bytes (0 = as it is), {@code rate} caps the
     * records per second (0 = no cap), {@code logMessages} false replaces the line per record by a progress line
     * each second.
     */
    public record Load(int size, int rate, boolean logMessages) {
        public static final Load DEFAULTS = new Load(0, 0, true);
    }

    /** The four throughput/latency settings a person tunes first; see {@link #properties}. */
    public record Tuning(int lingerMs, int batchSize, String compression, Duration deliveryTimeout) {
        public static final Tuning DEFAULTS = new Tuning(5, 16_384, "none", Duration.ofSeconds(30));
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

    /** The value padded with dots (or cut) to {@code size} characters when a size is given. */
    static String sized(String value, int size) {
        if (size == 0 || size == value.length()) {
            return value;
        }
        return size < value.length() ? value.substring(0, size) : value + ".".repeat(size - value.length());
    }

    static Properties properties(Config config) {
        Tuning tuning = config.tuning();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "kafka-producer");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        // acks=all: a send succeeds only once every in-sync replica has the record, so losing the leader
        // right after the ack cannot lose it (with min.insync.replicas=2 on the topic, at least two copies).
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Idempotence: the broker drops a retried batch it has already written, so the producer's own retries
        // (after a timeout or a leader change) never duplicate or reorder records within a partition.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);

        // --linger-ms: send() only adds a record to a batch; a batch leaves when it is full or has waited
        // linger.ms. A few ms of waiting fills batches (fewer, larger requests: more throughput) at the cost of
        // that much latency per record. 0 sends at once: lowest latency, most requests.
        props.put(ProducerConfig.LINGER_MS_CONFIG, tuning.lingerMs());
        // --batch-size: the most bytes one partition's batch may hold. Larger batches compress better and
        // cost fewer requests; each partition being written holds one batch in memory. 0 disables batching.
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, tuning.batchSize());
        // --compression: whole batches are compressed by the producer, stored compressed by the broker and
        // decompressed by the consumer: less network and disk for some CPU. zstd and lz4 are good defaults for
        // text; it pays most with linger.ms and batch.size large enough to make batches of many records.
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, tuning.compression());
        // --delivery-timeout: the total time a send may take, retries included (a broker down, a leader
        // moving, too few in-sync replicas), before its callback reports a failure. Retriable errors are
        // retried quietly until then; this is the one number that bounds "how long until I know it failed".
        int deliveryTimeoutMs = (int) tuning.deliveryTimeout().toMillis();
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeoutMs);
        // How long to wait for one answer from a broker before retrying; must fit in the delivery timeout
        // together with linger.ms, or the client refuses the configuration.
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                Math.max(MIN_REQUEST_TIMEOUT_MS, Math.min(10_000, deliveryTimeoutMs - tuning.lingerMs())));
        // How long send() itself may block, e.g. waiting for the topic's metadata; never longer than a delivery.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(10_000, deliveryTimeoutMs));
        return props;
    }

    public Result send() throws InterruptedException {
        createTopicIfMissing();

        Properties props = properties(config);
        log.info("producer tuning: linger.ms={} batch.size={} compression.type={} delivery.timeout.ms={}",
                props.get(ProducerConfig.LINGER_MS_CONFIG), props.get(ProducerConfig.BATCH_SIZE_CONFIG),
                props.get(ProducerConfig.COMPRESSION_TYPE_CONFIG), props.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));

        AtomicInteger acknowledged = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        int notSent = 0;
        long retried;
        Load load = config.load();
        Pacer pacer = new Pacer(load.rate());
        Throughput throughput = new Throughput("sent", log, !load.logMessages());
        try (throughput; KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            throughput.start(); // the clock starts at the first send, not while the client connects
            for (int i = 1; i <= config.count(); i++) {
                if (failed.get() > 0) {
                    // A send failed for good (after delivery.timeout.ms): the program exits 1 anyway, and the
                    // cluster is likely unusable; do not wait out the same timeout for every remaining record.
                    notSent = config.count() - i + 1;
                    log.error("giving up after a failed send: {} record(s) not sent", notSent);
                    break;
                }
                // Records with the same key go to the same partition, and so keep their order.
                String key = config.key() != null ? config.key() : "key-" + i;
                String value = sized(value(config.message(), i, config.count()), load.size());
                int bytes = value.length();
                // send() is asynchronous: it batches records and calls back once the cluster has answered.
                ProducerRecord<String, String> record = new ProducerRecord<>(config.topic(), key, value);
                // A unique id per record, so that a consumer can recognise a record it has already applied
                // (read again after a crash before its commit) and skip it. Idempotence only prevents
                // duplicates the producer's own retries would write; this id covers the consumer side.
                String id = MessageIds.next();
                record.headers().add(MESSAGE_ID_HEADER, id.getBytes(StandardCharsets.UTF_8));
                // --rate: wait for this record's turn before the send time is taken, or the wait would count
                // as latency.
                pacer.await();
                // For end-to-end latency: the consumer subtracts this from the time it reads the record.
                record.headers().add(Throughput.SENT_AT_HEADER,
                        Long.toString(Throughput.nowMicros()).getBytes(StandardCharsets.UTF_8));
                producer.send(record, (metadata, exception) -> {
                    if (exception == null) {
                        acknowledged.incrementAndGet();
                        throughput.record(bytes, 0);
                        if (load.logMessages()) {
                            log.info("sent key={} value='{}' partition={} offset={}", key, value,
                                    metadata.partition(), metadata.offset());
                        }
                    } else {
                        // The producer has already retried what was retriable (until delivery.timeout.ms);
                        // an exception here is final for this record.
                        failed.incrementAndGet();
                        log.error("could not send key={} value='{}': {}", key, value, exception.toString());
                    }
                });
                if (!config.interval().isZero() && i < config.count()) {
                    Thread.sleep(config.interval().toMillis());
                }
            }
            // Wait until every record sent so far is acknowledged or failed.
            producer.flush();
            retried = retriedRecordSends(producer);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw KafkaErrors.unreachable(config.bootstrapServers(), e);
        }
        if (throughput.worthASummary()) {
            log.info(throughput.summary());
        }
        if (retried > 0) {
            // Retries are quiet (a WARN line from the client at most); say how many there were, so that a person
            // who stopped a broker mid-stream sees the client work around it, and why that wrote nothing twice.
            log.info("the client retried {} record send(s) (a leader moved, a broker went away or a request timed"
                    + " out); idempotence keeps a retried record from being written twice", retried);
        }
        Result result = new Result(config.count(), acknowledged.get(), failed.get());
        if (result.allAcknowledged()) {
            log.info("{} of {} records acknowledged (topic '{}')", result.acknowledged(), result.count(), config.topic());
        } else {
            log.error("only {} of {} records acknowledged, {} failed, {} not sent", result.acknowledged(),
                    result.count(), result.failed(), notSent);
        }
        return result;
    }

    /**
     * How many record sends the client retried: record-retry-total counts each record of a batch sent again (after
     * a retriable error such as NOT_LEADER_OR_FOLLOWER, or a connection lost with the batch in flight).
     */
    static long retriedRecordSends(KafkaProducer<?, ?> producer) {
        return producer.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("record-retry-total")
                        && e.getKey().group().equals("producer-metrics"))
                .mapToLong(e -> ((Number) e.getValue().metricValue()).longValue())
                .sum();
    }

    /**
     * Creating the topic explicitly (rather than relying on the broker's auto-creation) gives it the
     * partitions and replication the examples need. It also tells us early whether the cluster answers.
     */
    private void createTopicIfMissing() throws InterruptedException {
        Admin admin = KafkaTopics.admin(config.bootstrapServers());
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
