package io.github.mqexamples.common;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacerTest {

    /** --threads share one pacer: four threads together keep to its rate, not four times it. */
    @Test
    void threadsSharingAPacerShareItsRate() throws Exception {
        Pacer pacer = new Pacer(100); // one slot each 10 ms: 100 slots span 990 ms
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                try {
                    for (int i = 0; i < 25; i++) {
                        pacer.await();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 950, "100 sends at 100/s over 4 threads took only " + millis + " ms");
    }
}
