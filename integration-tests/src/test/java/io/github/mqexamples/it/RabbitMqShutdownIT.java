package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.GetResponse;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ctrl-C / SIGTERM to the consumer jar while it works: the message in hand is finished and acked, nothing lost. */
class RabbitMqShutdownIT {

    @Test
    void sigtermFinishesTheMessageInHandAcksItAndExits0() throws Exception {
        String name = Await.unique("shutdown");
        QueueSpec queue = new QueueSpec(name, true, "quorum");
        Rabbit.publish(queue, true, 5);

        Programs.Running consumer = Programs.start("rabbitmq-consumer", Rabbit.env(name), "--work-ms", "2000",
                "--prefetch", "5");
        consumer.awaitLine(l -> l.contains("received 'Hello World! #1'"), Duration.ofSeconds(60));
        long t0 = System.nanoTime();
        consumer.terminate();
        assertEquals(0, consumer.awaitExit(Duration.ofSeconds(30)), consumer.output());
        // Not stuck until the 30 s shutdown timeout; what it finished is checked below, not guessed from the time.
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos(), "exits within seconds");
        assertContains(consumer.output(), "stopped after 1 message(s)");

        // #1 was finished and acked; the four sent ahead went back to the queue. None lost, none doubled.
        assertEquals(4, Rabbit.readyOnceConsumersLeft(name));
        List<GetResponse> left = Rabbit.drain(name);
        assertEquals(List.of("Hello World! #2", "Hello World! #3", "Hello World! #4", "Hello World! #5"),
                left.stream().map(Rabbit::body).toList());
    }
}
