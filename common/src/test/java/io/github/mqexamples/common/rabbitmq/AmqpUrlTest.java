package io.github.mqexamples.common.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.ConnectionFactory;
import io.github.mqexamples.common.UsageException;
import org.junit.jupiter.api.Test;

class AmqpUrlTest {

    static ConnectionFactory factory(String url) throws Exception {
        return AmqpUrl.parse(url, "--url").configure(new ConnectionFactory());
    }

    @Test
    void theGoDefaultWithItsTrailingSlashMeansTheDefaultVhost() throws Exception {
        ConnectionFactory f = factory("amqp://guest:guest@localhost:5672/");
        assertEquals("/", f.getVirtualHost());
        assertEquals("localhost", f.getHost());
        assertEquals(5672, f.getPort());
        assertEquals("guest", f.getUsername());
        assertEquals("/", factory("amqp://guest:guest@localhost:5672").getVirtualHost());
        assertEquals("/", factory("amqp://guest:guest@localhost:5672/%2F").getVirtualHost());
        assertEquals("orders", factory("amqp://guest:guest@localhost:5672/orders").getVirtualHost());
    }

    @Test
    void thePasswordIsMaskedEverywhereItIsShown() {
        AmqpUrl url = AmqpUrl.parse("amqp://app:Secr3t@broker.example:5673/prod", "--url");
        assertEquals("amqp://app:****@broker.example:5673/prod", url.masked());
        assertEquals("amqp://app:****@broker.example:5673/prod", url.toString());
        assertEquals("broker.example:5673", url.address());
        assertEquals("app", url.user());
        assertEquals("localhost:5672", AmqpUrl.parse("amqp://localhost", "--url").address());
        assertEquals("guest", AmqpUrl.parse("amqp://localhost", "--url").user());
    }

    @Test
    void aMalformedUrlNamesTheSettingWithoutThePassword() {
        for (String bad : new String[] {"http://u:Secr3t@localhost:5672/", "localhost:5672", "amqp://u:Secr3t@:5672/",
            "amqp://u:Secr3t@localhost:notaport/"}) {
            String message = assertThrows(UsageException.class, () -> AmqpUrl.parse(bad, "--url / RABBITMQ_URL"))
                    .getMessage();
            assertTrue(message.startsWith("invalid --url / RABBITMQ_URL: '"), message);
            assertFalse(message.contains("Secr3t"), message);
        }
    }

    @Test
    void aQuorumQueueCannotBeNonDurable() {
        String message = assertThrows(UsageException.class, () -> new QueueSpec("q", false, "quorum")).getMessage();
        assertEquals("a quorum queue is always durable: use --durable true, or --queue-type classic", message);
        assertEquals("quorum", new QueueSpec("q", true, "quorum").arguments().get("x-queue-type"));
        assertTrue(new QueueSpec("q", false, "classic").arguments().isEmpty(), "classic: declared exactly like Go");
    }
}
