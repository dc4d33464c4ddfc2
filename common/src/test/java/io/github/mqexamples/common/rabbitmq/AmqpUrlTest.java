package io.github.mqexamples.common.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.ConnectionFactory;
import io.github.mqexamples.common.UsageException;
import java.util.List;
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
    void aClusterIsAListOfAddressesAfterOneFullUrl() throws Exception {
        AmqpUrl url = AmqpUrl.parse("amqp://app:Secr3t@node1:45672/orders, node2:45673,node3,"
                + "amqp://app:Secr3t@node4:45675/orders", "--url");
        assertEquals(List.of("node1:45672", "node2:45673", "node3:5672", "node4:45675"),
                url.addresses().stream().map(AmqpUrl::text).toList());
        assertEquals("amqp://app:****@node1:45672/orders,node2:45673,node3:5672,node4:45675", url.masked());
        assertEquals("any of node1:45672, node2:45673, node3:5672, node4:45675", url.where());
        ConnectionFactory f = url.configure(new ConnectionFactory());
        assertEquals("orders", f.getVirtualHost());
        assertEquals("app", f.getUsername());
        assertEquals(List.of("node1:5671", "[::1]:5671"), AmqpUrl.parse("amqps://node1,[::1]", "--url").addresses()
                .stream().map(AmqpUrl::text).toList());
        AmqpUrl one = AmqpUrl.parse("amqp://guest:guest@localhost:5672/", "--url");
        assertEquals("localhost:5672", one.where());
        assertEquals(1, one.addresses().size());
    }

    @Test
    void anAddressThatLogsInOtherwiseOrIsNoAddressIsRefused() {
        for (String bad : new String[] {"amqp://u:Secr3t@node1/,amqp://other:Secr3t@node2/",
            "amqp://u:Secr3t@node1/,amqp://u:Secr3t@node2/othervhost", "amqp://u:Secr3t@node1/,amqps://u:Secr3t@node2/",
            "amqp://u:Secr3t@node1/,node2:notaport", "amqp://u:Secr3t@node1/,", "amqp://u:Secr3t@node1/,node2/vhost"}) {
            String message = assertThrows(UsageException.class, () -> AmqpUrl.parse(bad, "--url / RABBITMQ_URL"),
                    bad).getMessage();
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
