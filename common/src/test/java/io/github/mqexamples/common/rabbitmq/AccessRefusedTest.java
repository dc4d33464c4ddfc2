package io.github.mqexamples.common.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The broker's refusals, as the broker words them (RabbitMQ 3.10), turned into the programs' one line. */
class AccessRefusedTest {

    @Test
    void theUserTheResourceAndWhatWasDoneAreNamed() {
        assertEquals("user 'alice' may not read from queue 'payments' in vhost '/' (ACCESS_REFUSED - access to queue"
                + " 'payments' in vhost '/' refused for user 'alice'): its permissions do not cover it (rabbitmqctl"
                + " list_user_permissions alice).", RabbitMqConnections.accessRefused("ACCESS_REFUSED - access to queue"
                        + " 'payments' in vhost '/' refused for user 'alice'", "read from"));
    }

    @Test
    void anExchangeRefusedWhileDeclaringAQueueIsItsDeadLetterExchange() {
        assertEquals("user 'alice' may not write to exchange 'amq.default' in vhost 'shop' (ACCESS_REFUSED - access to"
                + " exchange 'amq.default' in vhost 'shop' refused for user 'alice'), which declaring a queue that"
                + " dead-letters through it needs: its permissions do not cover it (rabbitmqctl list_user_permissions"
                + " alice).", RabbitMqConnections.accessRefused("ACCESS_REFUSED - access to exchange 'amq.default' in"
                        + " vhost 'shop' refused for user 'alice'", "declare"));
    }

    @Test
    void aVirtualHostWithoutPermissionsAndOtherRepliesNotAtAll() {
        assertEquals("user 'carol' may not use virtual host '/' (NOT_ALLOWED - access to vhost '/' refused for user"
                + " 'carol'): it has no permissions there; an administrator grants them with rabbitmqctl set_permissions"
                + " -p / carol CONFIGURE WRITE READ.", RabbitMqConnections.accessRefused("NOT_ALLOWED - access to vhost"
                        + " '/' refused for user 'carol'", "use"));
        assertNull(RabbitMqConnections.accessRefused("PRECONDITION_FAILED - inequivalent arg 'durable'", "declare"));
        assertNull(RabbitMqConnections.accessRefused(null, "declare"));
    }
}
