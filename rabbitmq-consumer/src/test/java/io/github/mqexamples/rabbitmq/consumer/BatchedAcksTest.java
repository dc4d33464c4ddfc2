package io.github.mqexamples.rabbitmq.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.common.Log;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

class BatchedAcksTest {

    /** One ack as the channel would get it: basicAck(deliveryTag, multiple). */
    record Ack(long deliveryTag, boolean multiple) {
    }

    final BlockingQueue<Ack> sent = new LinkedBlockingQueue<>();
    final ReentrantLock inHand = new ReentrantLock();

    BatchedAcks acks(int every) {
        return new BatchedAcks(every, inHand, Log.forProgram("test"),
                (tag, multiple) -> sent.add(new Ack(tag, multiple)));
    }

    @Test
    void aFullBatchIsSettledByOneAckWithMultipleTrue() throws Exception {
        try (BatchedAcks acks = acks(3)) {
            inHand.lock(); // as the consumer does while it handles a delivery: the timer cannot flush meanwhile
            try {
                acks.add(1);
                acks.add(2);
                assertTrue(sent.isEmpty(), "two of three: no ack yet");
                acks.add(3);
                assertEquals(List.of(new Ack(3, true)), List.copyOf(sent));
            } finally {
                inHand.unlock();
            }
        }
    }

    @Test
    void flushAcksTheBatchInProgressAndNothingWhenThereIsNone() throws Exception {
        try (BatchedAcks acks = acks(25)) {
            inHand.lock();
            try {
                acks.add(1);
                acks.add(2);
                acks.flush();
                acks.flush();
            } finally {
                inHand.unlock();
            }
            assertEquals(List.of(new Ack(2, true)), List.copyOf(sent), "one ack, for both");
        }
    }

    @Test
    void theTimerAcksTheLastMessagesOfABurstWhenNoMoreCome() throws Exception {
        try (BatchedAcks acks = acks(25)) {
            acks.add(1);
            acks.add(2);
            // No third message comes to fill the batch: within about MAX_DELAY the timer acks both.
            assertEquals(new Ack(2, true), sent.poll(5, TimeUnit.SECONDS));
            assertNull(sent.poll(3 * BatchedAcks.MAX_DELAY.toMillis(), TimeUnit.MILLISECONDS), "acked once");
        }
    }

    @Test
    void theTimerTriesAgainAfterAFailedAck() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        try (BatchedAcks acks = new BatchedAcks(25, inHand, Log.forProgram("test"), (tag, multiple) -> {
            if (tries.incrementAndGet() == 1) {
                throw new IOException("channel is closing");
            }
            sent.add(new Ack(tag, multiple));
        })) {
            acks.add(7);
            assertEquals(new Ack(7, true), sent.poll(5, TimeUnit.SECONDS));
            assertEquals(2, tries.get());
        }
    }

    @Test
    void aBatchOfOneAcksEachMessageOnItsOwn() throws Exception {
        try (BatchedAcks acks = acks(1)) {
            acks.add(1);
            acks.add(2);
            assertEquals(List.of(new Ack(1, false), new Ack(2, false)), List.copyOf(sent));
        }
    }

    @Test
    void withAutoAckThereIsNothingToAck() throws Exception {
        try (BatchedAcks acks = acks(0)) {
            acks.add(1);
            acks.flush();
            assertTrue(sent.isEmpty());
        }
    }

    @Test
    void aBatchIsAtMostHalfThePrefetch() {
        assertEquals(25, BatchedAcks.size(25, 100));
        assertEquals(20, BatchedAcks.size(25, 40), "the broker keeps sending while the batch fills");
        assertEquals(1, BatchedAcks.size(25, 3));
        assertEquals(1, BatchedAcks.size(25, 1));
        assertEquals(1, BatchedAcks.size(1, 100));
    }

    @Test
    void theConsumersFirstLineNamesTheAckMode() {
        try (BatchedAcks auto = acks(0); BatchedAcks single = acks(1); BatchedAcks batched = acks(20)) {
            assertEquals("auto ack", auto.toString());
            assertEquals("manual ack", single.toString());
            assertEquals("manual ack every 20 messages", batched.toString());
        }
    }
}
