package io.github.mqexamples.kafka.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class GroupLagTest {

    /** The progress thread asks once a second: an unreachable cluster must answer "unknown" within that second. */
    @Test
    void anUnreachableClusterIsUnknownLagWithinASecond() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort(); // closed again below: nothing listens there
        }
        try (GroupLag lag = new GroupLag("127.0.0.1:" + port, io.github.mqexamples.common.kafka.KafkaClientConfig.NONE, "g", "t")) {
            for (int i = 0; i < 2; i++) {
                long t0 = System.nanoTime();
                assertEquals(-1, lag.lag());
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 1_000, "took " + ms + " ms");
            }
        }
    }
}
