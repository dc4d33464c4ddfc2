package io.github.mqexamples.kafka.producer;

import io.github.mqexamples.common.AsciiNumbers;
import io.github.mqexamples.common.Log;
import io.github.mqexamples.common.MessageBodies;
import io.github.mqexamples.common.MessageIds;
import io.github.mqexamples.common.Pacer;
import io.github.mqexamples.common.Parallel;
import io.github.mqexamples.common.Throughput;
import io.github.mqexamples.common.kafka.KafkaClientConfig;
import io.github.mqexamples.common.kafka.KafkaConnectionWatch;
import io.github.mqexamples.common.kafka.KafkaDelivery;
import io.github.mqexamples.common.kafka.KafkaErrors;
import io.github.mqexamples.common.kafka.KafkaTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;

/**
 * The producer, in the order of the Go sample: connect, create the topic (if missing), send each record with a
 * callback, flush (wait until each is acknowledged or failed), close. Every record has a key, so that records with
 * the same key keep their order, and a message id, so that a consumer can recognise one it reads twice.
 */
public final class KafkaProducerExample {

    /** The smallest request timeout the producer uses; delivery.timeout.ms must leave room for one request. */
    static final int MIN_REQUEST_TIMEOUT_MS = 1_000;

    public record Result(int count, int acknowledged, int failed) {
        public boolean allAcknowledged() {
            return acknowledged == count;
        }
    }

    private final KafkaProducerConfig config;
    private final Logger log = Log.forProgram("kafka-producer");
    /** The next record number to send, shared by the threads: each of 1..count is taken once. */
    private final AtomicInteger next = new AtomicInteger(1);
    private final AtomicInteger handed = new AtomicInteger(); // records given to send()
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicReference<Exception> refused = new AtomicReference<>(); // no retry fixes it
    private final AcknowledgedRecords acknowledgedNumbers = new AcknowledgedRecords(); // to name what was not

    public KafkaProducerExample(KafkaProducerConfig config) {
        this.config = config;
    }

    static Properties properties(KafkaProducerConfig config) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()); // it learns the other brokers
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "kafka-producer"); // names us in the brokers' logs and metrics
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class); // keys are text
        // Values are sent as the bytes MessageBodies built (the text in UTF-8, padded to --size), not encoded again.
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        // acks=all (a send succeeds once every in-sync replica has the record: losing the leader right after the
        // ack cannot lose it) and idempotence (the producer's own retries never write a record twice).
        KafkaDelivery.acksAllIdempotent(props);

        // --linger-ms: send() only adds a record to a batch; a batch leaves when it is full or has waited
        // linger.ms. A few ms of waiting fills batches (fewer, larger requests: more throughput) at the cost of
        // that much latency per record. 0 sends at once: lowest latency, most requests.
        props.put(ProducerConfig.LINGER_MS_CONFIG, config.lingerMs());
        // --batch-size: the most bytes one partition's batch may hold. Larger batches compress better and
        // cost fewer requests; each partition being written holds one batch in memory. 0 disables batching.
        // 64 KB by default, not Kafka's 16 KB: our keyed records spread over every partition, so at a high rate each
        // batch fills long before linger.ms and batch.size alone decides how many records a request carries (16 of
        // 1 KB with 16 KB); the broker's work is mostly per batch, and 64 KB took 1.6x the records per second here
        // (docs/benchmarks.md). At a low rate nothing changes: linger.ms sends a batch long before it is full. The
        // price is memory from buffer.memory (32 MB): 64 KB per partition being written, so 512 of them at once.
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, config.batchSize());
        // --compression: whole batches are compressed by the producer, stored compressed by the broker and
        // decompressed by the consumer: less network and disk for some CPU. zstd and lz4 are good defaults for
        // text; it pays most with linger.ms and batch.size large enough to make batches of many records.
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.compression().type());
        // --delivery-timeout: the total time a send may take, retries included (a broker down, a leader
        // moving, too few in-sync replicas), before its callback reports a failure. Retriable errors are
        // retried quietly until then; this is the one number that bounds "how long until I know it failed".
        int deliveryTimeoutMs = (int) config.deliveryTimeout().toMillis();
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeoutMs);
        // How long to wait for one answer from a broker before retrying; must fit in the delivery timeout
        // together with linger.ms, or the client refuses the configuration.
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                Math.max(MIN_REQUEST_TIMEOUT_MS, Math.min(10_000, deliveryTimeoutMs - config.lingerMs())));
        // How long send() itself may block: while the broker is away (killed, restarting, recovering its log)
        // send() waits for the topic's metadata before the record is even in a batch. That wait is part of riding
        // out the outage, so it gets the same bound: a shorter cut would fail a run that --delivery-timeout allowed
        // to wait. (An unreachable broker at the start is said within 8 s anyway: createTopicIfMissing asks first.)
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, deliveryTimeoutMs);
        // --client-config / --client-property (security.protocol, sasl.*, ssl.*) under the settings above.
        return config.client().applyTo(props, KafkaClientConfig.Client.PRODUCER);
    }

    /** Sends the {@code --count} records (once: an instance counts one run). */
    public Result send() throws Exception {
        if (!config.client().isEmpty()) {
            log.info(config.client().describe()); // secrets as ****
        }
        createTopicIfMissing();

        Properties props = properties(config);
        log.info("producer tuning: linger.ms={} batch.size={} compression.type={} delivery.timeout.ms={}",
                props.get(ProducerConfig.LINGER_MS_CONFIG), props.get(ProducerConfig.BATCH_SIZE_CONFIG),
                props.get(ProducerConfig.COMPRESSION_TYPE_CONFIG), props.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));

        long retried;
        Throughput throughput = new Throughput("sent", log, !config.logMessages());
        // close(), at the end of this block, sends what is still batched and waits for it (flush() did already).
        try (throughput; KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props);
             // Lines of our own while the broker is away: lost, still waiting, connected again (the client's are off).
             KafkaConnectionWatch watch = KafkaConnectionWatch.start(log, config.bootstrapServers(), producer::metrics,
                     "records are kept and retried until --delivery-timeout " + config.deliveryTimeout().toSeconds()
                             + " s", this::unanswered, KafkaProducerExample::resent)) {
            throughput.start(); // the clock starts at the first send, not while the client connects
            // --rate: one pacer for all threads (the rate is what they send together), started here for the same
            // reason: time spent creating the client is not caught up on with a burst.
            Pacer pacer = new Pacer(config.rate());
            // --threads: the threads share this ONE producer. A KafkaProducer is thread-safe, and Kafka wants one
            // per process: one connection per broker, one batch per partition that every thread fills (fuller
            // batches, fewer requests), one producer id and sequence per partition for idempotence. A producer per
            // thread would multiply all of that and fill each batch more slowly.
            if (config.threads() > 1) {
                log.info("{} threads sending through one producer", config.threads());
            }
            // A send() that throws (the topic's metadata never came) ends its thread; the first such error is the
            // program's, as without threads.
            Parallel.forEach("sender", Collections.nCopies(config.threads(), producer),
                    p -> sendRecords(p, pacer, throughput));
            if (refused.get() != null) {
                throw refused.get(); // a permission or login refused: one line (KafkaErrors), not one per record
            }
            if (failed.get() > 0) {
                // A send failed for good (after delivery.timeout.ms): the program exits 1 anyway, and the cluster
                // is likely unusable; the threads did not wait out the same timeout for every remaining record.
                log.error("giving up after a failed send: {} record(s) not sent", config.count() - handed.get());
            }
            // flush(): wait until every record sent so far is acknowledged or failed (their callbacks have run).
            producer.flush();
            retried = retriedRecordSends(producer);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw KafkaErrors.unreachable(config.bootstrapServers(), config.client(), e);
        }
        throughput.logSummary();
        if (retried > 0) {
            // Retries are quiet (a WARN line from the client at most); say how many there were, so that a person
            // who stopped a broker mid-stream sees the client work around it, and why that wrote nothing twice.
            log.info("the client retried {} record send(s) (a leader moved, a broker went away or a request timed"
                    + " out); idempotence keeps a retried record from being written twice", retried);
        }
        Result result = new Result(config.count(), acknowledged.get(), failed.get());
        int notSent = config.count() - handed.get();
        if (result.allAcknowledged()) {
            log.info("{} of {} records acknowledged (topic '{}')", result.acknowledged(), result.count(), config.topic());
        } else {
            log.error("only {} of {} records acknowledged, {} failed, {} not sent", result.acknowledged(),
                    result.count(), result.failed(), notSent);
            // By number, exactly: these may be missing from the topic (or written, their acknowledgement lost);
            // every other record is in it.
            log.error("not acknowledged: records {} (the N of {}value '... #N')", acknowledgedNumbers.missing(
                    config.count()), config.key() == null ? "key-N and " : "");
        }
        return result;
    }

    /**
     * One sending thread's loop: takes the next record number until all {@code --count} are taken (so each is sent
     * once, by one thread) or a send has failed.
     */
    private void sendRecords(KafkaProducer<String, byte[]> producer, Pacer pacer, Throughput throughput)
            throws InterruptedException {
        // What is the same in every value (the message, the padding) is encoded once; each value is a copy of it
        // with its number written in.
        MessageBodies.Numbered values = new MessageBodies.Numbered(config.message(), config.count(), config.size());
        for (int i = next.getAndIncrement(); i <= config.count() && failed.get() == 0; i = next.getAndIncrement()) {
            // Records with the same key go to the same partition, and so keep their order (with --threads, the
            // order in which the threads happened to call send()).
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(config.topic(), key(i), values.body(i));
            // A unique id per record: a consumer skips a record it has already applied (read again after a
            // crash before its commit). Idempotence covers the producer's retries; this id, the consumer side.
            // (Written as the bytes of its text, with no String in between: this loop runs for every record.)
            record.headers().add(KafkaDelivery.MESSAGE_ID_HEADER, MessageIds.nextBytes());
            // --rate: wait for this record's turn before the send time is taken (the wait is not latency).
            pacer.await();
            // For end-to-end latency: the consumer subtracts this from the time it reads the record.
            record.headers().add(Throughput.SENT_AT_HEADER, AsciiNumbers.decimal(Throughput.nowMicros()));
            handed.incrementAndGet();
            int number = i;
            int size = record.value().length;
            // send() is asynchronous: it adds the record to a batch and calls back once the cluster answered.
            // The callback keeps only the record's number, not its value: up to buffer.memory (32 MB) of records
            // wait for their answer, and a callback holding each value would keep as much again alive, for the
            // garbage collector to copy. The rare line that shows the value builds it again from the number.
            producer.send(record, (metadata, exception) -> {
                if (exception == null) {
                    acknowledged.incrementAndGet();
                    acknowledgedNumbers.add(number);
                    throughput.record(size, 0);
                    if (config.logMessages()) {
                        log.info("sent key={} value='{}' partition={} offset={}", key(number), text(values.body(number)),
                                metadata.partition(), metadata.offset());
                    }
                } else if (KafkaErrors.isFatal(exception)) {
                    // Every other record would be refused the same way: stop, and say it once.
                    refused.compareAndSet(null, exception);
                    failed.incrementAndGet();
                } else {
                    // The producer has already retried what was retriable (until delivery.timeout.ms);
                    // an exception here is final for this record.
                    failed.incrementAndGet();
                    log.error("could not send key={} value='{}': {}", key(number), text(values.body(number)),
                            exception.toString());
                }
            });
            if (!config.interval().isZero() && i < config.count()) {
                Thread.sleep(config.interval().toMillis());
            }
        }
    }

    /** Record {@code number}'s key: --key, or key-1, key-2, ... (one per record). */
    private String key(int number) {
        return config.key() != null ? config.key() : "key-" + number;
    }

    /** Records handed to send() and not answered yet: in a batch, in flight, or in a send() waiting for metadata. */
    private long unanswered() {
        return handed.get() - acknowledged.get() - failed.get();
    }

    /** For the line that says the broker is back: the records held during the outage go out now. */
    private static String resent(long held) {
        // Those in flight at the loss are sent again; idempotence keeps one already written from a second copy.
        return held == 0 ? "" : "; sending the " + held + " record(s) held during the outage (again, for those in"
                + " flight at the loss)";
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
     * Creating the topic explicitly (rather than relying on the broker's auto-creation) gives it the partitions and
     * replication the examples need. Asking the cluster first also tells us early whether it answers.
     */
    private void createTopicIfMissing() throws InterruptedException {
        Admin admin = KafkaTopics.admin(config.bootstrapServers(), config.client());
        try {
            KafkaTopics.brokers(admin, config.bootstrapServers(), config.client());
            if (!KafkaTopics.createIfMissing(admin, config.bootstrapServers(), config.client(), List.of(config.topic()),
                    config.partitions(), config.replicationFactor(), Map.of()).isEmpty()) {
                log.info("created topic '{}' ({} partitions, replication factor {})", config.topic(),
                        config.partitions(), config.replicationFactor());
            }
        } finally {
            admin.close(Duration.ofSeconds(2)); // an unreachable cluster's pending calls are not waited for
        }
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }
}
