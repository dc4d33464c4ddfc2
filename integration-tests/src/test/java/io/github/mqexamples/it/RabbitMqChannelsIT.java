package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.common.rabbitmq.QueueSpec;
import io.github.mqexamples.rabbitmq.consumer.ConsumerConfig;
import io.github.mqexamples.rabbitmq.consumer.RabbitMqConsumer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What "use a connection pool" means with RabbitMQ: one connection, many channels. The producer's {@code --threads}
 * publish on a channel each, the consumer's {@code --concurrency} consume on a channel each, and the management
 * API shows it: one connection per program, N channels on it.
 */
class RabbitMqChannelsIT {

    static final Duration RUN = Duration.ofSeconds(120);
    static final int MESSAGES = 2000;
    /** The management API lists a new connection, channel or consumer within a second or two. */
    static final Duration LISTED = Duration.ofSeconds(30);

    @Test
    void fourPublishingThreadsAndThreeConsumingChannelsShareOneConnectionEach() throws Exception {
        Map<String, String> env = Rabbit.env(Await.unique("channels"));
        String queue = env.get("RABBITMQ_QUEUE");
        Programs.Running consumer = Programs.start("rabbitmq-consumer", env, "--concurrency", "3", "--prefetch", "10",
                "--log-messages", "false");
        try {
            consumer.awaitLine(l -> l.contains("waiting for messages"), RUN);
            assertContains(consumer.output(), "3 channels on one connection");
            // The consumer: one connection; on it 3 consumers, each on a channel of its own with prefetch 10.
            String consumerConnection = Await.value("the consumer's connection listed", LISTED,
                    () -> single(Rabbit.connections("rabbitmq-consumer")));
            List<String[]> consumers = Await.value("3 consumers on the queue", LISTED, () -> {
                List<String[]> found = consumersOf(queue);
                return found.size() == 3 ? found : null;
            });
            assertEquals(Set.of("\"" + consumerConnection.replace(" ", "") + "\""), consumers.stream().map(c -> c[1])
                    .collect(Collectors.toSet()), "one connection");
            assertEquals(3, consumers.stream().map(c -> c[0]).distinct().count(), "3 different channels");
            consumers.forEach(c -> assertEquals("10", c[2], "prefetch of channel " + c[0]));

            // The producer, 4 threads at 400 msg/s in all: 5 s, long enough to look at it while it runs.
            Programs.Running producer = Programs.start("rabbitmq-producer", env, "--threads", "4", "--count",
                    String.valueOf(MESSAGES), "--rate", "400", "--log-messages", "false");
            String producerConnection = Await.value("the producer's connection listed", LISTED,
                    () -> single(Rabbit.connectionsIfListed("rabbitmq-producer")));
            long confirming = Await.value("4 channels in confirm mode on it", LISTED, () -> {
                long n = countMatches(Rabbit.managementJson("/api/connections/" + encode(producerConnection)
                        + "/channels"), "\"confirm\":true");
                return n == 4 ? n : null;
            });
            assertEquals(4, confirming);
            assertEquals(1, Rabbit.connections("rabbitmq-producer").size(), "one connection for all 4 threads");
            assertEquals(0, producer.awaitExit(RUN), producer.output());
            assertContains(producer.output(), "publishing from 4 threads, each on a channel of its own");
            // Each message confirmed once: 2000 confirmed, none re-sent, and the broker took 2000 publishes.
            assertContains(producer.output(), MESSAGES + " of " + MESSAGES + " messages confirmed by the broker");
            assertFalse(producer.output().contains("re-sending") || producer.output().contains("sending it again"),
                    producer.output());
            Await.until("the queue counted 2000 publishes", RUN,
                    () -> Await.orElse(-1L, () -> Rabbit.stat(queue, "publish")) == MESSAGES);

            // Again at full speed: the four threads race for the messages and end together.
            Programs.Running fast = Programs.run(RUN, "rabbitmq-producer", env, "--threads", "4", "--count",
                    String.valueOf(MESSAGES), "--log-messages", "false");
            assertEquals(0, fast.exitCode(), fast.output());
            assertContains(fast.output(), MESSAGES + " of " + MESSAGES + " messages confirmed by the broker");

            // Each message consumed once: 4000 processed (a copy would be skipped as a duplicate, not counted).
            consumer.awaitLine(l -> l.matches(".*received " + 2 * MESSAGES + " so far.*"), RUN);
        } finally {
            consumer.terminate();
        }
        assertEquals(0, consumer.awaitExit(RUN), consumer.output());
        assertContains(consumer.output(), "stopped after " + 2 * MESSAGES + " message(s)");
        assertFalse(consumer.output().contains("duplicate of message id"), consumer.output());
        assertEquals(0, Rabbit.ready(queue).orElse(-1));
    }

    /** The channels of --concurrency work at once: three messages are in hand together, never more. */
    @Test
    void concurrentChannelsProcessMessagesAtTheSameTime() throws Exception {
        QueueSpec queue = new QueueSpec(Await.unique("parallel"), true, "quorum");
        AtomicInteger inHand = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Set<String> bodies = ConcurrentHashMap.newKeySet();
        ConsumerConfig config = ConsumerConfig.builder(Rabbit.url(), queue).concurrency(3).prefetch(1)
                .maxMessages(30).build();
        try (Rabbit.Background running = new Rabbit.Background(new RabbitMqConsumer(config, (delivery, body) -> {
            most.accumulateAndGet(inHand.incrementAndGet(), Math::max);
            Thread.sleep(50);
            inHand.decrementAndGet();
            bodies.add(body);
        }))) {
            Await.until("3 consumers on the queue", RUN,
                    () -> Await.orElse(-1L, () -> Rabbit.consumers(queue.name())) == 3);
            Rabbit.publish(queue, true, 30);
            assertEquals(30, running.awaitEnd(RUN));
        }
        assertEquals(30, bodies.size(), "30 different messages: " + bodies);
        assertEquals(3, most.get(), "messages in hand at once");
    }

    /** Two copies of one message, in hand on two channels at once: one is applied, the other skipped. */
    @Test
    void twoCopiesInHandOnTwoChannelsAtOnceAreAppliedOnce() throws Exception {
        QueueSpec queue = new QueueSpec(Await.unique("twins"), true, "quorum");
        AtomicInteger applied = new AtomicInteger();
        AtomicInteger inHand = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ConsumerConfig config = ConsumerConfig.builder(Rabbit.url(), queue).concurrency(2).prefetch(1).build();
        RabbitMqConsumer consumer = new RabbitMqConsumer(config, (delivery, body) -> {
            most.accumulateAndGet(inHand.incrementAndGet(), Math::max);
            applied.incrementAndGet();
            Thread.sleep(300);
            inHand.decrementAndGet();
        });
        try (Rabbit.Background running = new Rabbit.Background(consumer)) {
            Await.until("2 consumers on the queue", RUN,
                    () -> Await.orElse(-1L, () -> Rabbit.consumers(queue.name())) == 2);
            // One to each channel (prefetch 1 each), both at once: a producer re-sent it after a lost confirm.
            Rabbit.publishRaw(queue.name(), "order #7", "order-7");
            Rabbit.publishRaw(queue.name(), "order #7", "order-7");
            Await.until("one copy applied, the other skipped", LISTED,
                    () -> consumer.duplicates() == 1 && applied.get() == 1 && inHand.get() == 0);
        }
        assertEquals(0, Rabbit.readyOnceConsumersLeft(queue.name()), "both copies acked");
        assertEquals(1, applied.get(), "order-7 applied once");
        assertEquals(1, consumer.duplicates());
        assertEquals(1, most.get());
    }

    /** [channel name, connection name, prefetch] of each consumer on the queue, from the management API. */
    private static List<String[]> consumersOf(String queue) throws Exception {
        String json = Rabbit.managementJson("/api/consumers/%2F");
        // Each consumer is an object whose values are at most one level deep: channel_details, queue, arguments.
        Matcher consumer = Pattern.compile("\\{(?:[^{}]|\\{[^{}]*\\})*\\}").matcher(json);
        List<String[]> found = new ArrayList<>();
        while (consumer.find()) {
            String c = consumer.group();
            String channel = field(c, "channel_details");
            if (("\"" + queue + "\"").equals(text(field(c, "queue"), "name"))) {
                found.add(new String[] {text(channel, "name"), text(channel, "connection_name"),
                        String.valueOf(Rabbit.number(c, "prefetch_count"))});
            }
        }
        return found;
    }

    /** The inside of {@code "name":{...}} in a JSON object. */
    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\\{([^{}]*)\\}").matcher(json);
        return m.find() ? m.group(1) : "";
    }

    /** The quoted string value of {@code "name":"..."}, quotes included, or null. */
    private static String text(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\"[^\"]*\")").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    private static String single(List<String> names) {
        return names.size() == 1 ? names.get(0) : null;
    }

    private static long countMatches(String json, String what) {
        return Pattern.compile(Pattern.quote(what)).matcher(json).results().count();
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
