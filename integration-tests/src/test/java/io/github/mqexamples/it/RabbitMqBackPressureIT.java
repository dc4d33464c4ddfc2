package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static io.github.mqexamples.it.Checks.assertLacks;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The broker pushing back: a memory alarm makes RabbitMQ block its publishers until the alarm clears. The producer
 * says so, waits (longer than its --confirm-timeout, which a block does not use up), goes on when unblocked, and
 * every message is confirmed in the end.
 */
class RabbitMqBackPressureIT {

    static final Duration RUN = Duration.ofSeconds(90);

    @Test
    void aProducerBlockedByAResourceAlarmWaitsAndEveryMessageIsConfirmedOnceItClears() throws Exception {
        Map<String, String> env = Rabbit.env(Await.unique("alarm"));
        Programs.Running producer = Programs.start("rabbitmq-producer", env, "--count", "100", "--rate", "20",
                "--confirm-timeout", "3s");
        try {
            producer.awaitLine(l -> l.contains("sent 'Hello World! #10'"), RUN);
            // A high watermark of 1 byte: the node is over it at once and raises the memory alarm.
            Rabbit.broker().ctl("set_vm_memory_high_watermark", "absolute", "1");
            producer.awaitLine(l -> l.contains("the broker blocked publishing"), RUN);

            // Blocked for twice the --confirm-timeout: nothing is confirmed meanwhile, and nothing given up.
            long sent = sentLines(producer);
            long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
            while (System.nanoTime() < until) {
                assertEquals(sent, sentLines(producer), "confirmed while blocked:\n" + producer.output());
                TimeUnit.MILLISECONDS.sleep(200); // sampling the output for the length of the block
            }
            assertLacks(producer.output(), "giving up");
        } finally {
            Rabbit.broker().ctl("set_vm_memory_high_watermark", "0.4"); // the default: the alarm clears
        }
        assertEquals(0, producer.awaitExit(RUN), producer.output());
        assertContains(producer.output(), "the broker unblocked publishing after ");
        assertContains(producer.output(), "100 of 100 messages confirmed by the broker");
        assertEquals(100, Rabbit.ready(env.get("RABBITMQ_QUEUE")).getAsLong(), "every message in the queue");
    }

    private static long sentLines(Programs.Running producer) {
        return producer.lines().stream().filter(l -> l.contains("sent 'Hello World! #")).count();
    }
}
