package io.github.mqexamples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import io.github.mqexamples.common.rabbitmq.AmqpUrl;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import io.github.mqexamples.common.rabbitmq.RabbitMqConnections;
import io.github.mqexamples.rabbitmq.consumer.RabbitMqConsumer;
import io.github.mqexamples.rabbitmq.producer.ProducerConfig;
import io.github.mqexamples.rabbitmq.producer.RabbitMqProducer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test-side RabbitMQ helpers: publish, inspect queues (AMQP and management API), run a consumer in the background. */
final class Rabbit {

    private Rabbit() {
    }

    static TestBrokers.RabbitMq broker() {
        return TestBrokers.rabbitMq();
    }

    static AmqpUrl url() {
        return AmqpUrl.parse(broker().amqpUrl(), "test url");
    }

    static Map<String, String> env(String queue) {
        return Map.of("RABBITMQ_URL", broker().amqpUrl(), "RABBITMQ_QUEUE", queue);
    }

    /** The producer program's class: publishes "Hello World! #1".. with confirms. */
    static RabbitMqProducer.Result publish(QueueSpec queue, boolean persistent, int count) throws Exception {
        return new RabbitMqProducer(ProducerConfig.builder(url(), queue).persistent(persistent).count(count)
                .message("Hello World!").confirmTimeout(Duration.ofSeconds(20)).build()).publish();
    }

    /** Declares the queue as the producer does (a quorum queue after its dead-letter queue), empty. */
    static void declare(QueueSpec queue) throws Exception {
        try (Connection c = RabbitMqConnections.connect(url(), "test-declare"); Channel ch = c.createChannel()) {
            if (queue.quorum()) {
                queue.declareDeadLetterQueue(ch);
            }
            ch.queueDeclare(queue.name(), queue.durable(), false, false, queue.arguments());
        }
    }

    /** A raw publish of one body with the given message id, persistent, confirmed (what a re-sending producer does). */
    static void publishRaw(String queue, String body, String messageId) throws Exception {
        try (Connection c = RabbitMqConnections.connect(url(), "test-publisher"); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            ch.basicPublish("", queue, true, new AMQP.BasicProperties.Builder().deliveryMode(2)
                    .messageId(messageId != null ? messageId : UUID.randomUUID().toString()).build(),
                    body.getBytes(StandardCharsets.UTF_8));
            ch.waitForConfirmsOrDie(10_000);
        }
    }

    /** Consumers the queue has right now (exact, from the broker over AMQP). */
    static long consumers(String queue) throws Exception {
        try (Connection c = RabbitMqConnections.connect(url(), "test-inspect"); Channel ch = c.createChannel()) {
            return ch.queueDeclarePassive(queue).getConsumerCount();
        }
    }

    /**
     * Messages ready in the queue (exact, from the broker over AMQP); empty if the queue does not exist. Only the
     * broker's 404 NOT_FOUND reply means "no such queue": any other failure (a broker still starting, a quorum
     * queue without a leader yet) is thrown, so that it cannot pass for a queue that is gone.
     */
    static OptionalLong ready(String queue) throws Exception {
        try (Connection c = RabbitMqConnections.connect(url(), "test-inspect"); Channel ch = c.createChannel()) {
            return OptionalLong.of(ch.queueDeclarePassive(queue).getMessageCount());
        } catch (IOException e) {
            if (replyCode(e) == AMQP.NOT_FOUND) {
                return OptionalLong.empty();
            }
            throw e;
        }
    }

    /** The reply code of the channel close behind {@code e}, or -1 if it was not a channel close. */
    static int replyCode(IOException e) {
        return e.getCause() instanceof ShutdownSignalException s && s.getReason() instanceof AMQP.Channel.Close close
                ? close.getReplyCode() : -1;
    }

    /**
     * Messages ready once the queue has no consumer left. While a consumer that stopped or died is still
     * registered, the messages it held unacknowledged are not counted as ready: a count taken then would show
     * 0 even when they are about to come back.
     */
    static long readyOnceConsumersLeft(String queue) throws Exception {
        Await.until("the broker has seen the consumers of " + queue + " go", Duration.ofSeconds(20),
                () -> Await.orElse(-1L, () -> consumers(queue)) == 0);
        return ready(queue).orElseThrow();
    }

    /** As {@link #ready}, but -1 for a queue that is missing or does not answer yet: for conditions to await. */
    static long readyOrMinusOne(String queue) {
        return Await.orElse(-1L, () -> ready(queue).orElse(-1));
    }

    /** Takes (and acks) every message ready in the queue. */
    static List<GetResponse> drain(String queue) throws Exception {
        return drain(url(), queue);
    }

    /**
     * Takes every message ready in the queue of the broker at {@code url}, and acks them all at the end: an attempt
     * that fails half-way (a node still recovering) leaves them in the queue for the next.
     */
    static List<GetResponse> drain(AmqpUrl url, String queue) throws Exception {
        List<GetResponse> all = new ArrayList<>();
        try (Connection c = RabbitMqConnections.connect(url, "test-drain"); Channel ch = c.createChannel()) {
            for (GetResponse r; (r = ch.basicGet(queue, false)) != null; ) {
                all.add(r);
            }
            if (!all.isEmpty()) {
                ch.basicAck(all.get(all.size() - 1).getEnvelope().getDeliveryTag(), true);
            }
        }
        return all;
    }

    /** The message ids of {@link #drain(AmqpUrl, String)}. */
    static Set<String> drainIds(AmqpUrl url, String queue) throws Exception {
        Set<String> ids = new HashSet<>();
        drain(url, queue).forEach(r -> ids.add(r.getProps().getMessageId()));
        return ids;
    }

    static String body(GetResponse r) {
        return new String(r.getBody(), StandardCharsets.UTF_8);
    }

    /** The queue as the management HTTP API describes it, spaces removed. */
    static String queueJson(String queue) throws Exception {
        return managementJson("/api/queues/%2F/" + queue);
    }

    /** A GET of the management HTTP API (e.g. /api/exchanges/%2F/orders), spaces removed; fails unless 200. */
    static String managementJson(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(broker().management(path).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), "management API " + path + ": " + response.body());
        return response.body().replace(" ", "");
    }

    /** A whole-number field of the queue's management JSON, e.g. messages_unacknowledged; -1 if not reported yet. */
    static long stat(String queue, String field) throws Exception {
        return number(queueJson(queue), field);
    }

    /** The first whole-number field of that name in a management JSON (spaces removed); -1 if there is none. */
    static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The management API's names of the open connections a program named {@code clientName} has. */
    static List<String> connections(String clientName) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String list = http.send(broker().management("/api/connections").build(), HttpResponse.BodyHandlers.ofString())
                .body();
        // Connection names look like "127.0.0.1:50123 -> 127.0.0.1:5672"; look at each one's client properties.
        Matcher m = Pattern.compile("\"name\":\"([^\"]+ -> [^\"]+)\"").matcher(list);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            String details = http.send(broker().management(connectionPath(m.group(1))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (details.replace(" ", "").contains("\"connection_name\":\"" + clientName + "\"")) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** As {@link #connections}, but none while the management API does not answer (a broker restarting). */
    static List<String> connectionsIfListed(String clientName) {
        return Await.orElse(List.of(), () -> connections(clientName));
    }

    /** Closes, from the broker's side, every connection a program named {@code clientName} has open. */
    static int closeConnections(String clientName) throws Exception {
        List<String> names = connections(clientName);
        for (String name : names) {
            HttpClient.newHttpClient().send(broker().management(connectionPath(name)).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        return names.size();
    }

    private static String connectionPath(String name) {
        return "/api/connections/" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The consumer program's class running on a thread of its own until stopped. */
    static final class Background implements AutoCloseable {
        final RabbitMqConsumer consumer;
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final Future<Integer> result;

        Background(RabbitMqConsumer consumer) {
            this.consumer = consumer;
            this.result = thread.submit(consumer::run);
        }

        /** Waits for the consumer to end by itself (max-messages) and returns how many it processed. */
        int awaitEnd(Duration timeout) throws Exception {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws Exception {
            consumer.stop();
            try {
                result.get(30, TimeUnit.SECONDS);
            } finally {
                thread.shutdownNow();
            }
        }
    }
}
