package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.common.kafka.KafkaDelivery;
import io.github.mqexamples.kafka.consumer.KafkaConsumerConfig;
import io.github.mqexamples.kafka.consumer.KafkaConsumerExample;
import io.github.mqexamples.kafka.consumer.RetryHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Scenario 4: a failing record goes to {@code <topic>.retry}, is tried again after the delay, and after
 * {@code --max-attempts} goes to {@code <topic>.dlt} with headers saying where it came from and why it failed.
 * A value that is not text goes there at once. Neither blocks the records behind it in its partition.
 */
class KafkaRetryIT {

    static final Duration RUN = Duration.ofSeconds(60);

    /** One call of the processor: which record, which attempt, when. */
    record Call(String value, int attempt, long nanos, boolean failed) {
    }

    @Test
    void failuresAreRetriedAfterTheDelayThenDeadLetteredWithoutBlockingThePartition() throws Exception {
        String servers = TestBrokers.kafka().bootstrapServers();
        String topic = Await.unique("retry");
        String group = topic + "-group";
        try (Admin admin = KafkaTests.admin(servers)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(); // one partition: one order
        }
        byte[] notText = {(byte) 0xC3, (byte) 0x28, 'x'}; // 0xC3 must be followed by a continuation byte
        List<byte[]> values = List.of(bytes("first"), bytes("flaky"), bytes("poison"), bytes("after the poison"),
                notText, bytes("last"));
        try (KafkaProducer<String, byte[]> producer = rawProducer(servers)) {
            for (int i = 0; i < values.size(); i++) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, "same-key", values.get(i));
                record.headers().add(KafkaDelivery.MESSAGE_ID_HEADER, bytes("id-" + i));
                producer.send(record).get();
            }
        }

        List<Call> calls = Collections.synchronizedList(new ArrayList<>());
        KafkaConsumerExample consumer = new KafkaConsumerExample(KafkaConsumerConfig.builder(servers, topic, group)
                .retryDelay(Duration.ofSeconds(1)).build(), record -> {
                    int attempt = (int) RetryHeaders.number(record.headers(), RetryHeaders.ATTEMPT, 1);
                    boolean fail = record.value().equals("poison") || (record.value().equals("flaky") && attempt == 1);
                    calls.add(new Call(record.value(), attempt, System.nanoTime(), fail));
                    if (fail) {
                        throw new IllegalStateException("cannot process " + record.value());
                    }
                });
        ExecutorService executor = Executors.newSingleThreadExecutor();
        Future<Integer> running = executor.submit(consumer::run);
        List<ConsumerRecord<String, byte[]>> deadLetters;
        try {
            deadLetters = KafkaTests.readAll(servers, topic + ".dlt", 2, RUN);
            Await.until("flaky succeeded on its second attempt", RUN,
                    () -> find(calls, "flaky", 2).nanos() != Long.MAX_VALUE);
        } finally {
            consumer.stop();
            running.get(30, TimeUnit.SECONDS);
            executor.shutdownNow();
        }

        // Every good record was processed once; the flaky one on its second attempt.
        List<String> succeeded = calls.stream().filter(c -> !c.failed()).map(Call::value).sorted().toList();
        assertEquals(List.of("after the poison", "first", "flaky", "last"), succeeded, calls.toString());

        // The retry waited for the delay, then worked.
        Call flaky1 = find(calls, "flaky", 1);
        Call flaky2 = find(calls, "flaky", 2);
        assertTrue(flaky1.failed() && !flaky2.failed());
        assertTrue(flaky2.nanos() - flaky1.nanos() >= TimeUnit.MILLISECONDS.toNanos(950),
                "retried after --retry-delay 1s, not before: " + (flaky2.nanos() - flaky1.nanos()) / 1_000_000 + " ms");

        // The poison record was tried --max-attempts 3 times, and the records behind it did not wait for that.
        assertEquals(List.of(1, 2, 3), calls.stream().filter(c -> c.value().equals("poison")).map(Call::attempt).toList());
        assertTrue(find(calls, "after the poison", 1).nanos() < find(calls, "poison", 2).nanos(),
                "the partition moved on while the poison record waited for its retry");
        assertTrue(find(calls, "last", 1).nanos() < find(calls, "poison", 3).nanos());

        // Two dead letters: the poison record after 3 attempts, the undecodable one at once; originals kept.
        assertEquals(2, deadLetters.size(), "dead letters: " + deadLetters);
        ConsumerRecord<String, byte[]> poison = deadLetters.stream()
                .filter(r -> "2".equals(RetryHeaders.text(r.headers(), RetryHeaders.ORIGINAL_OFFSET))).findFirst().orElseThrow();
        assertArrayEquals(bytes("poison"), poison.value());
        assertEquals("same-key", poison.key());
        assertEquals(topic, RetryHeaders.text(poison.headers(), RetryHeaders.ORIGINAL_TOPIC));
        assertEquals("0", RetryHeaders.text(poison.headers(), RetryHeaders.ORIGINAL_PARTITION));
        assertEquals("java.lang.IllegalStateException", RetryHeaders.text(poison.headers(), RetryHeaders.EXCEPTION_CLASS));
        assertEquals("cannot process poison", RetryHeaders.text(poison.headers(), RetryHeaders.EXCEPTION_MESSAGE));
        assertEquals("3", RetryHeaders.text(poison.headers(), RetryHeaders.ATTEMPTS));
        assertEquals("id-2", RetryHeaders.text(poison.headers(), KafkaDelivery.MESSAGE_ID_HEADER));

        ConsumerRecord<String, byte[]> undecodable = deadLetters.stream()
                .filter(r -> "4".equals(RetryHeaders.text(r.headers(), RetryHeaders.ORIGINAL_OFFSET))).findFirst().orElseThrow();
        assertArrayEquals(notText, undecodable.value(), "the original bytes, untouched");
        assertEquals("java.nio.charset.MalformedInputException",
                RetryHeaders.text(undecodable.headers(), RetryHeaders.EXCEPTION_CLASS));
        assertEquals("1", RetryHeaders.text(undecodable.headers(), RetryHeaders.ATTEMPTS));
        assertEquals(8, calls.size(), "first, flaky twice, poison 3 times, after the poison, last; the undecodable"
                + " value never reached the processor: " + calls);

        // The retry topic holds the three retries (flaky once, poison twice); all offsets are committed.
        List<ConsumerRecord<String, byte[]>> retries = KafkaTests.readAll(servers, topic + ".retry", 3, RUN);
        assertEquals(List.of("2", "2", "3"), retries.stream()
                .map(r -> RetryHeaders.text(r.headers(), RetryHeaders.ATTEMPT)).sorted().toList());
        assertEquals(6, KafkaTests.committedTotal(servers, group, topic));
        assertEquals(3, KafkaTests.committedTotal(servers, group, topic + ".retry"));
    }

    @Test
    void theConsumerJarRetriesAndDeadLettersWithTheFailureSettings() throws Exception {
        String servers = TestBrokers.kafka().bootstrapServers();
        String topic = Await.unique("retryjar");
        Map<String, String> env = KafkaTests.env(servers, topic, topic + "-group");
        Programs.Running producer = Programs.run(RUN, "kafka-producer", env, "--count", "3");
        assertEquals(0, producer.exitCode(), producer.output());

        Programs.Running consumer = Programs.start("kafka-consumer", env, "--fail-on", "#2$", "--max-attempts", "2",
                "--retry-delay", "1s");
        consumer.awaitLine(l -> l.contains("dead-lettered to " + topic + ".dlt"), RUN);
        consumer.terminate();
        assertEquals(0, consumer.awaitExit(RUN), consumer.output());
        assertContains(consumer.output(), "attempt 1 of 2 failed: simulated failure: body matches --fail-on '#2$'"
                + " (attempt 1); retrying in 1000 ms via " + topic + ".retry");
        assertContains(consumer.output(), "value='Hello Kafka! #2' (attempt 2 of 2)");
        // --retry-delay applied, not only echoed: the second attempt is read a second after the first (the
        // retry is due 1 s after the failure, which comes after the first attempt was read). The programs' log
        // times are cut to whole milliseconds.
        String first = consumer.awaitLine(l -> l.endsWith("value='Hello Kafka! #2'"), RUN);
        String second = consumer.awaitLine(l -> l.endsWith("value='Hello Kafka! #2' (attempt 2 of 2)"), RUN);
        long delay = KafkaTests.millisBetween(KafkaTests.loggedAt(first), KafkaTests.loggedAt(second));
        assertTrue(delay >= 999, "the second attempt came " + delay + " ms after the first, not --retry-delay 1s");
        assertContains(consumer.output(), "attempt 2 of 2 failed: simulated failure: body matches --fail-on '#2$'"
                + " (attempt 2); dead-lettered to " + topic + ".dlt");
        List<ConsumerRecord<String, byte[]>> dead = KafkaTests.readAll(servers, topic + ".dlt", 1, RUN);
        assertEquals(1, dead.size());
        assertEquals("Hello Kafka! #2", new String(dead.get(0).value(), StandardCharsets.UTF_8));
    }

    static Call find(List<Call> calls, String value, int attempt) {
        synchronized (calls) {
            return calls.stream().filter(c -> c.value().equals(value) && c.attempt() == attempt).findFirst()
                    .orElse(new Call(value, attempt, Long.MAX_VALUE, true));
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static KafkaProducer<String, byte[]> rawProducer(String servers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(props);
    }
}
