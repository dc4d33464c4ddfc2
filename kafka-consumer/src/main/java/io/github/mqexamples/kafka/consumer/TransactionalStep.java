package io.github.mqexamples.kafka.consumer;

import io.github.mqexamples.common.BrokerException;
import io.github.mqexamples.common.Log;
import io.github.mqexamples.common.SimulatedWork;
import io.github.mqexamples.common.Throughput;
import io.github.mqexamples.common.kafka.KafkaClientConfig;
import io.github.mqexamples.common.kafka.KafkaDelivery;
import io.github.mqexamples.common.kafka.KafkaErrors;
import io.github.mqexamples.common.kafka.KafkaTopics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;

/**
 * Exactly once, the Kafka way ({@code --output-topic OUT --transactional-id ID}): read a record of the input topic,
 * write one record to {@code OUT}, and commit both the output and the input offsets in one transaction. Either the
 * whole batch happened (its output visible to read_committed readers, its input offsets committed) or none of it:
 * a crash in between aborts the transaction, and the next instance reads the batch again and writes it again, once.
 * This works because the effect is a write to Kafka; an effect outside Kafka (a database, an e-mail) cannot join
 * the transaction, which is why the plain consumer de-duplicates by message id instead.
 */
public final class TransactionalStep {

    /** Appended to each value: the output shows that the record went through this step. */
    static final String SUFFIX = " (processed)";

    /** @param maxAttempts attempts of a failing record, one after the other; then it goes to {@code <topic>.dlt} */
    public record Config(String bootstrapServers, String topic, String group, String outputTopic,
                         String transactionalId, int maxPollRecords, int maxMessages, SimulatedWork work,
                         int maxAttempts, boolean logMessages, KafkaClientConfig client) {
    }

    private final Config config;
    private final Logger log = Log.forProgram("kafka-consumer");
    private volatile boolean stopping;
    private volatile KafkaConsumer<String, String> consumer;
    private int count;

    public TransactionalStep(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    static Properties consumerProperties(Config config) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kafka-transactional-step");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.group());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The offsets are committed by the producer, inside each transaction: never by the consumer itself.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Read only what committed transactions wrote: if the input is itself the output of a transactional
        // step, an aborted attempt upstream must not become output here.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // One poll is one transaction: its records, their output and their offsets commit together.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
        // A killed instance's partitions wait for its session to time out before a restarted one gets them: 10 s,
        // as for the plain consumer, not Kafka's 45.
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return config.client().applyTo(props, KafkaClientConfig.Client.CONSUMER); // --client-config: TLS, SASL
    }

    static Properties producerProperties(Config config) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "kafka-transactional-step");
        // The transactional id names this step across restarts: a new instance with the same id finishes (aborts)
        // what the old one left open, and fences the old one if it is still alive (a "zombie"), so that two
        // instances never both write the same input's output.
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
        KafkaDelivery.acksAllIdempotent(props); // transactions require idempotence and acks=all
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return config.client().applyTo(props, KafkaClientConfig.Client.PRODUCER);
    }

    /** Runs until {@link #stop()}, Ctrl-C or {@code maxMessages}; returns how many records it transformed. */
    public int run() throws Exception {
        createOutputTopics();
        Throughput throughput = new Throughput("received", log, !config.logMessages());
        try (throughput; KafkaConsumer<String, String> kafka = new KafkaConsumer<>(consumerProperties(config));
             KafkaProducer<String, String> producer = new KafkaProducer<>(producerProperties(config))) {
            consumer = kafka;
            // Registers the id with the transaction coordinator: aborts a transaction a previous instance left
            // open, and fences that instance.
            producer.initTransactions();
            kafka.subscribe(List.of(config.topic()));
            log.info("transactional step: topic '{}' to '{}' (transactional id '{}', group '{}'). Press Ctrl-C to stop.",
                    config.topic(), config.outputTopic(), config.transactionalId(), config.group());
            while (!stopping) {
                ConsumerRecords<String, String> records;
                try {
                    records = kafka.poll(Duration.ofMillis(500));
                } catch (WakeupException e) {
                    break; // stop(): nothing is open between two transactions
                }
                if (!records.isEmpty()) {
                    transform(producer, records, throughput);
                }
            }
            log.info("stopped after {} record(s)", count);
            throughput.logSummary();
            return count;
        } catch (ProducerFencedException | InvalidProducerEpochException | InvalidTxnStateException e) {
            // Not retriable: another instance took over the transactional id. Its transactions win; ours was aborted.
            // (Depending on the moment, the coordinator says so as a fenced producer, a stale epoch, or a transaction
            // that is no longer ours to commit.)
            throw new BrokerException("fenced: another instance started with transactional id '"
                    + config.transactionalId() + "' and took over; this one stops, its open transaction aborted", e);
        }
    }

    /** One transaction: the batch's output records and its input offsets, committed together or not at all. */
    private void transform(KafkaProducer<String, String> producer, ConsumerRecords<String, String> records,
                           Throughput throughput) throws InterruptedException {
        producer.beginTransaction();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        int inBatch = 0;
        try {
            for (ConsumerRecord<String, String> record : records) {
                String output = process(record);
                String target = output != null ? config.outputTopic() : config.topic() + ".dlt";
                ProducerRecord<String, String> out = new ProducerRecord<>(target, record.key(),
                        output != null ? output : record.value());
                Header id = record.headers().lastHeader(KafkaDelivery.MESSAGE_ID_HEADER);
                if (id != null) {
                    out.headers().add(id); // the same id: readers of OUT still recognise the record
                }
                producer.send(out); // part of the transaction: visible to read_committed readers once it commits
                offsets.put(new TopicPartition(record.topic(), record.partition()),
                        new OffsetAndMetadata(record.offset() + 1));
                inBatch++;
                if (config.logMessages()) {
                    log.info("{} partition={} offset={} key={} -> '{}'", output != null ? "transformed" : "to .dlt",
                            record.partition(), record.offset(), record.key(), target);
                }
                throughput.record(record.value() == null ? 0 : record.value().length(), 0);
                if (config.maxMessages() > 0 && count + inBatch >= config.maxMessages()) {
                    stopping = true;
                    break; // the rest of the batch is not in this transaction: the next owner reads it
                }
            }
            // The input offsets join the transaction, with the group's metadata: a member the group has since
            // replaced (a rebalance) cannot commit them any more.
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
            count += inBatch;
            if (config.logMessages()) {
                log.info("committed a transaction: {} record(s) to '{}' and their input offsets {}", inBatch,
                        config.outputTopic(), offsets.entrySet().stream().map(e -> e.getKey().partition() + "="
                                + e.getValue().offset()).sorted().toList());
            }
        } catch (ProducerFencedException | InvalidProducerEpochException | InvalidTxnStateException e) {
            throw e; // fatal, see run()
        } catch (KafkaException e) {
            // Abortable (a send failed, a request timed out): nothing of the batch counts; read it again.
            log.warn("aborting a transaction of {} record(s): {}; reading them again", inBatch, e.toString());
            try {
                producer.abortTransaction();
            } catch (KafkaException fatal) {
                throw new BrokerException("the transaction failed (" + e.getMessage() + ") and could not be aborted: "
                        + fatal.getMessage() + ". Start the step again: the next instance aborts it", fatal);
            }
            rewind(records);
        }
    }

    /** The output value, or null if processing failed {@code maxAttempts} times (the record goes to .dlt). */
    private String process(ConsumerRecord<String, String> record) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                config.work().process(record.value(), attempt);
                return record.value() + SUFFIX;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (attempt >= config.maxAttempts()) {
                    log.warn("giving up on partition={} offset={} after {} attempt(s): {}; it goes to '{}.dlt'",
                            record.partition(), record.offset(), attempt, e.getMessage(), config.topic());
                    return null;
                }
            }
        }
    }

    /** After an abort: back to the first record of the batch in each partition, to read it again. */
    private void rewind(ConsumerRecords<String, String> records) {
        for (TopicPartition partition : records.partitions()) {
            consumer.seek(partition, records.records(partition).get(0).offset());
        }
    }

    private void createOutputTopics() throws InterruptedException {
        Admin admin = KafkaTopics.admin(config.bootstrapServers(), config.client());
        try {
            int partitions = KafkaTopics.describe(admin, config.topic()).map(t -> t.partitions().size()).orElse(3);
            KafkaTopics.createIfMissing(admin, config.bootstrapServers(), config.client(),
                    List.of(config.outputTopic(), config.topic() + ".dlt"), partitions, (short) 1, Map.of());
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw KafkaErrors.unreachable(config.bootstrapServers(), e);
        } finally {
            admin.close(Duration.ofSeconds(2));
        }
    }

    /** Ends {@link #run()} after the transaction in progress. Safe from any thread. */
    public void stop() {
        stopping = true;
        if (consumer != null) {
            consumer.wakeup();
        }
    }
}
