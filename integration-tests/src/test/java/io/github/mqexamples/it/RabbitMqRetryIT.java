package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.GetResponse;
import io.github.mqexamples.common.SimulatedWork;
import io.github.mqexamples.common.rabbitmq.QueueSpec;
import io.github.mqexamples.rabbitmq.consumer.ConsumerConfig;
import io.github.mqexamples.rabbitmq.consumer.RabbitMqConsumer;
import io.github.mqexamples.rabbitmq.consumer.RetryMode;
import io.github.mqexamples.rabbitmq.consumer.RetryOrDeadLetter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Retry and dead letters: failed messages are tried again, then dead-lettered; nothing loops forever or vanishes. */
class RabbitMqRetryIT {

    /** Every effect applied (processing succeeded). */
    final List<String> effects = Collections.synchronizedList(new ArrayList<>());

    RabbitMqConsumer consumer(QueueSpec queue, RetryMode retry, int maxAttempts, Duration delay, String failOn,
                              int failAttempts) {
        SimulatedWork failing = new SimulatedWork(Duration.ZERO, Pattern.compile(failOn), failAttempts);
        ConsumerConfig config = ConsumerConfig.builder(Rabbit.url(), queue).prefetch(10).work(failing).retry(retry)
                .maxAttempts(maxAttempts).retryDelay(delay).build();
        return new RabbitMqConsumer(config, (delivery, body) -> effects.add(body));
    }

    static Map<String, Object> headers(GetResponse r) {
        return r.getProps().getHeaders();
    }

    /** One call of the processor: which body, when, and whether it failed. */
    record Call(String body, long nanos, boolean failed) {
    }

    @Test
    void delayedRetryThenDeadLetterWithTheLastErrorAndTheAttemptCount() throws Exception {
        QueueSpec queue = new QueueSpec(Await.unique("retry-delayed"), true, "quorum");
        Rabbit.declare(queue);
        Rabbit.publishRaw(queue.name(), "poison", "poison-id");
        for (int i = 1; i <= 5; i++) {
            Rabbit.publishRaw(queue.name(), "good " + i, null);
        }

        // Every call of the processor, timed; the poison message fails each time, saying which call it was.
        List<Call> calls = Collections.synchronizedList(new ArrayList<>());
        ConsumerConfig config = ConsumerConfig.builder(Rabbit.url(), queue).prefetch(10).retry(RetryMode.DELAYED)
                .maxAttempts(3).retryDelay(Duration.ofSeconds(2)).build();
        RabbitMqConsumer consumer = new RabbitMqConsumer(config, (delivery, body) -> {
            long poisonCalls = calls.stream().filter(c -> c.body().equals("poison")).count();
            boolean fail = body.equals("poison");
            calls.add(new Call(body, System.nanoTime(), fail));
            if (fail) {
                throw new IllegalStateException("cannot process poison (call " + (poisonCalls + 1) + ")");
            }
        });
        try (Rabbit.Background running = new Rabbit.Background(consumer)) {
            Await.until("the poison message reaches the dead-letter queue", Duration.ofSeconds(60),
                    () -> Rabbit.readyOrMinusOne(queue.deadLetterQueue()) == 1);
        }
        List<Call> poison = calls.stream().filter(c -> c.body().equals("poison")).toList();
        List<Call> good = calls.stream().filter(c -> !c.failed()).toList();
        assertEquals(List.of("good 1", "good 2", "good 3", "good 4", "good 5"), good.stream().map(Call::body).toList());
        assertEquals(3, poison.size(), "tried 3 times: " + calls);
        // Each retry waited for the retry queue's 2 s expiration...
        for (int i = 1; i < 3; i++) {
            long waitedMs = (poison.get(i).nanos() - poison.get(i - 1).nanos()) / 1_000_000;
            assertTrue(waitedMs >= 1_900, "retry " + i + " came after " + waitedMs + " ms, not after the 2 s delay");
        }
        // ...and the other messages kept flowing meanwhile: all were done before the poison's second attempt.
        // Had processing blocked during each retry, they would come after the third.
        assertTrue(good.get(4).nanos() < poison.get(1).nanos(), "the good messages waited for the retry: " + calls);
        assertEquals(0, Rabbit.readyOrMinusOne(queue.name()));
        assertEquals(0, Rabbit.readyOrMinusOne(queue.retryQueue()));

        GetResponse dead = Rabbit.drain(queue.deadLetterQueue()).get(0);
        assertEquals("poison", Rabbit.body(dead));
        assertEquals("poison-id", dead.getProps().getMessageId(), "the same message, not a new one");
        assertEquals(3, ((Number) headers(dead).get(RetryOrDeadLetter.ATTEMPTS)).intValue());
        assertEquals("IllegalStateException: cannot process poison (call 3)",
                String.valueOf(headers(dead).get(RetryOrDeadLetter.LAST_ERROR)), "the last error, not the first");
        assertEquals(queue.name(), String.valueOf(headers(dead).get(RetryOrDeadLetter.ORIGINAL_QUEUE)));
        // Attempts are counted by the broker: two trips through the retry queue, each one expiring.
        assertContains(String.valueOf(headers(dead).get("x-death")), "reason=expired");
        assertContains(String.valueOf(headers(dead).get("x-death")), "queue=" + queue.retryQueue());
        assertContains(String.valueOf(headers(dead).get("x-death")), "count=2");
    }

    @Test
    void aMessageThatFailsOnceThenSucceedsIsProcessedExactlyOnce() throws Exception {
        QueueSpec queue = new QueueSpec(Await.unique("retry-once"), true, "quorum");
        Rabbit.declare(queue);
        Rabbit.publishRaw(queue.name(), "flaky", "flaky-id");

        RabbitMqConsumer consumer = consumer(queue, RetryMode.DELAYED, 3, Duration.ofMillis(500), "flaky", 1);
        try (Rabbit.Background running = new Rabbit.Background(consumer)) {
            Await.until("the message is processed", Duration.ofSeconds(30), () -> !effects.isEmpty());
            assertEquals(1, consumer.retried());
        }
        assertEquals(List.of("flaky"), effects, "applied once");
        assertEquals(0, Rabbit.readyOrMinusOne(queue.deadLetterQueue()));
        assertEquals(0, Rabbit.readyOrMinusOne(queue.retryQueue()));
        assertEquals(0, Rabbit.readyOrMinusOne(queue.name()));
    }

    @Test
    void requeueRetriesAtOnceThenDeadLettersAfterMaxAttempts() throws Exception {
        QueueSpec queue = new QueueSpec(Await.unique("retry-requeue"), true, "quorum");
        Rabbit.declare(queue);
        Rabbit.publishRaw(queue.name(), "poison", "poison-id");
        Rabbit.publishRaw(queue.name(), "good", null);

        RabbitMqConsumer consumer = consumer(queue, RetryMode.REQUEUE, 3, Duration.ZERO, "poison", 0);
        try (Rabbit.Background running = new Rabbit.Background(consumer)) {
            Await.until("the poison message reaches the dead-letter queue", Duration.ofSeconds(30),
                    () -> Rabbit.readyOrMinusOne(queue.deadLetterQueue()) == 1);
            assertEquals(2, consumer.retried(), "nacked with requeue=true twice");
        }
        assertEquals(List.of("good"), effects);
        GetResponse dead = Rabbit.drain(queue.deadLetterQueue()).get(0);
        // The quorum queue counted the returns itself (x-delivery-count 2 on the third delivery), and the consumer
        // read its attempt from that count: nothing else counts with --retry requeue.
        assertEquals(3, ((Number) headers(dead).get(RetryOrDeadLetter.ATTEMPTS)).intValue());
        // The copy's own x-delivery-count is the quorum .dlq's, which counts the deliveries from it afresh.
        assertEquals(0, ((Number) headers(dead).get("x-delivery-count")).intValue());
    }

    @Test
    void theQueuesDeliveryLimitStopsAPoisonMessageEvenWhenTheConsumerNeverGivesUp() throws Exception {
        // A consumer configured never to give up (or one that crashes on the message before it can nack)
        // would requeue forever; the quorum queue's explicit x-delivery-limit dead-letters it anyway.
        QueueSpec queue = new QueueSpec(Await.unique("retry-limit"), true, "quorum", 2);
        Rabbit.declare(queue);
        Rabbit.publishRaw(queue.name(), "poison", "poison-id");

        RabbitMqConsumer consumer = consumer(queue, RetryMode.REQUEUE, 1_000_000, Duration.ZERO, "poison", 0);
        try (Rabbit.Background running = new Rabbit.Background(consumer)) {
            Await.until("the broker dead-letters the message", Duration.ofSeconds(30),
                    () -> Rabbit.readyOrMinusOne(queue.deadLetterQueue()) == 1);
        }
        assertEquals(3, consumer.retried(), "delivered 3 times: the first delivery and 2 returns");
        GetResponse dead = Rabbit.drain(queue.deadLetterQueue()).get(0);
        assertEquals("poison", Rabbit.body(dead));
        assertEquals("delivery_limit", String.valueOf(headers(dead).get("x-first-death-reason")));
        assertEquals(0, Rabbit.readyOrMinusOne(queue.name()));
    }

    @Test
    void withRetryNoneAFailedMessageIsDeadLetteredAtOnce() throws Exception {
        QueueSpec queue = new QueueSpec(Await.unique("retry-none"), true, "quorum");
        Rabbit.declare(queue);
        Rabbit.publishRaw(queue.name(), "poison", "poison-id");
        RabbitMqConsumer consumer = consumer(queue, RetryMode.NONE, 3, Duration.ZERO, "poison", 0);
        try (Rabbit.Background running = new Rabbit.Background(consumer)) {
            Await.until("dead-lettered", Duration.ofSeconds(30),
                    () -> Rabbit.readyOrMinusOne(queue.deadLetterQueue()) == 1);
        }
        assertEquals(0, consumer.retried());
        assertEquals(1, ((Number) headers(Rabbit.drain(queue.deadLetterQueue()).get(0))
                .get(RetryOrDeadLetter.ATTEMPTS)).intValue());
    }
}
