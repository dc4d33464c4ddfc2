package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static io.github.mqexamples.it.Checks.assertLacks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import io.github.mqexamples.brokers.FreePorts;
import io.github.mqexamples.common.BrokerException;
import io.github.mqexamples.common.rabbitmq.AmqpUrl;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import io.github.mqexamples.common.rabbitmq.RabbitMqConnections;
import io.github.mqexamples.rabbitmq.consumer.AckMode;
import io.github.mqexamples.rabbitmq.consumer.ConsumerConfig;
import io.github.mqexamples.rabbitmq.consumer.RabbitMqConsumer;
import io.github.mqexamples.rabbitmq.producer.ProducerConfig;
import io.github.mqexamples.rabbitmq.producer.RabbitMqProducer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Send and receive through RabbitMQ with the classes the two programs' mains use, as the Go sample does, and the
 * explanations a wrong URL, wrong credentials or a queue declared otherwise get.
 */
class RabbitMqRoundTripIT {

    static TestBrokers.RabbitMq rabbit;

    @BeforeAll
    static void broker() {
        rabbit = TestBrokers.rabbitMq();
    }

    static AmqpUrl url() {
        return AmqpUrl.parse(rabbit.amqpUrl(), "test url");
    }

    static RabbitMqProducer.Result publish(QueueSpec queue, boolean persistent, int count) throws Exception {
        return new RabbitMqProducer(ProducerConfig.builder(url(), queue).persistent(persistent).count(count)
                .message("Hello World!").confirmTimeout(Duration.ofSeconds(10)).build()).publish();
    }

    static List<Delivery> consume(QueueSpec queue, AckMode ack, int count) throws Exception {
        List<Delivery> received = Collections.synchronizedList(new ArrayList<>());
        RabbitMqConsumer consumer = new RabbitMqConsumer(ConsumerConfig.builder(url(), queue).ack(ack).prefetch(10)
                .maxMessages(count).build(),
                (delivery, body) -> received.add(delivery));
        int processed = Await.within(Duration.ofSeconds(30), consumer::run);
        assertEquals(count, processed);
        return received;
    }

    static List<String> bodies(List<Delivery> deliveries) {
        return deliveries.stream().map(d -> new String(d.getBody(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void everyMessageArrivesOnceInOrderPersistentWithItsMessageId() throws Exception {
        QueueSpec queue = new QueueSpec(Await.unique("roundtrip"), true, "quorum");

        RabbitMqProducer.Result result = publish(queue, true, 5);
        assertTrue(result.allConfirmed());
        assertEquals(5, result.confirmed());

        List<Delivery> received = consume(queue, AckMode.MANUAL, 5);
        assertEquals(List.of("Hello World! #1", "Hello World! #2", "Hello World! #3", "Hello World! #4",
                "Hello World! #5"), bodies(received));
        List<String> ids = received.stream().map(d -> d.getProperties().getMessageId()).toList();
        assertEquals(result.messageIds(), ids);
        assertEquals(5, new HashSet<>(ids).size(), "message ids are unique");
        for (Delivery d : received) {
            assertEquals(2, d.getProperties().getDeliveryMode(), "persistent");
            assertEquals("text/plain", d.getProperties().getContentType());
            assertFalse(d.getEnvelope().isRedeliver());
        }
        assertEquals(0, Rabbit.readyOnceConsumersLeft(queue.name()), "all acked, none left");
        String json = Rabbit.queueJson(queue.name());
        assertContains(json, "\"durable\":true");
        assertContains(json, "\"type\":\"quorum\"");
    }

    @Test
    void oneMessageIsTheGoSamplesHelloWorld() throws Exception {
        QueueSpec queue = new QueueSpec(Await.unique("hello"), true, "quorum");
        publish(queue, true, 1);
        assertEquals(List.of("Hello World!"), bodies(consume(queue, AckMode.MANUAL, 1)));
    }

    @Test
    void goCompatibleSettingsDeclareAClassicTransientQueueAndAutoAck() throws Exception {
        QueueSpec queue = new QueueSpec(Await.unique("go-compat"), false, "classic");
        assertTrue(publish(queue, false, 3).allConfirmed());

        List<Delivery> received = consume(queue, AckMode.AUTO, 3);
        assertEquals(List.of("Hello World! #1", "Hello World! #2", "Hello World! #3"), bodies(received));
        for (Delivery d : received) {
            assertEquals(1, d.getProperties().getDeliveryMode(), "transient");
        }
        String json = Rabbit.queueJson(queue.name());
        assertContains(json, "\"durable\":false");
        assertContains(json, "\"type\":\"classic\"");
    }

    @Test
    void theGoDefaultUrlWithATrailingSlashReachesTheDefaultVhost() throws Exception {
        String goStyle = rabbit.amqpUrl().endsWith("/") ? rabbit.amqpUrl() : rabbit.amqpUrl() + "/";

        // The plain Java client reads the trailing "/" as the vhost named "", which does not exist...
        ConnectionFactory plain = new ConnectionFactory();
        plain.setUri(goStyle);
        assertEquals("", plain.getVirtualHost());
        assertThrows(Exception.class, () -> plain.newConnection().close());

        // ...the examples read it as "/", like the Go client, and connect.
        assertEquals("/", AmqpUrl.parse(goStyle, "test").configure(new ConnectionFactory()).getVirtualHost());
        try (Connection c = RabbitMqConnections.connect(AmqpUrl.parse(goStyle, "test"), "test")) {
            assertTrue(c.isOpen());
        }
        // An explicit %2F means "/" too.
        try (Connection c = RabbitMqConnections.connect(AmqpUrl.parse(goStyle + "%2F", "test"), "test")) {
            assertTrue(c.isOpen());
        }
    }

    @Test
    void aQueueLeftByTheGoSampleGivesAnExplanation() throws Exception {
        String name = Await.unique("go-left");
        try (Connection c = RabbitMqConnections.connect(url(), "go-sample"); Channel ch = c.createChannel()) {
            ch.queueDeclare(name, false, false, false, Map.of()); // exactly what the Go sample declares
        }
        BrokerException e = assertThrows(BrokerException.class, () -> publish(new QueueSpec(name, true, "quorum"), true, 1));
        assertContains(e.getMessage(), "queue '" + name + "' already exists with other settings");
        assertContains(e.getMessage(), "PRECONDITION_FAILED");
        assertContains(e.getMessage(), "--queue-type classic --durable false");
        assertContains(e.getMessage(), "rabbitmqctl delete_queue " + name);
        // With the settings it was created with, the same queue works.
        assertTrue(publish(new QueueSpec(name, false, "classic"), false, 1).allConfirmed());
    }

    @Test
    void anUnreachableBrokerIsNamedWithinTenSeconds() {
        int port = FreePorts.next();
        long t0 = System.nanoTime();
        BrokerException e = assertThrows(BrokerException.class, () -> RabbitMqConnections.connect(
                AmqpUrl.parse("amqp://guest:guest@127.0.0.1:" + port + "/", "t"), "t"));
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
        assertTrue(e.getMessage().startsWith("cannot reach RabbitMQ at 127.0.0.1:" + port), e.getMessage());
        assertContains(e.getMessage(), "connection refused");
        assertContains(e.getMessage(), "RABBITMQ_URL");
        assertLacks(e.getMessage(), "guest:guest");
    }

    @Test
    void wrongCredentialsNameTheUserAndNeverThePassword() {
        String url = rabbit.amqpUrl().replaceFirst("://[^@]*@", "://guest:not-the-password@");
        BrokerException e = assertThrows(BrokerException.class,
                () -> RabbitMqConnections.connect(AmqpUrl.parse(url, "t"), "t"));
        assertContains(e.getMessage(), "refused the login of user 'guest'");
        assertContains(e.getMessage(), "authentication failed");
        assertLacks(e.getMessage(), "not-the-password");
    }
}
