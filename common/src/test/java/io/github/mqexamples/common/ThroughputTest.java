package io.github.mqexamples.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ThroughputTest {

    /** Against the exact percentiles of a sorted list: never below, at most 1 % above, over many magnitudes. */
    @Test
    void aPercentileIsNeverBelowTheTrueValueAndAtMostOnePercentAbove() {
        Random random = new Random(42);
        for (int run = 0; run < 20; run++) {
            long[] values = new long[1 + random.nextInt(5_000)];
            try (Throughput throughput = new Throughput("received", LoggerFactory.getLogger("test"), false)) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = random.nextLong(1L << (1 + random.nextInt(40)));
                    throughput.addLatency(values[i]);
                }
                Arrays.sort(values);
                for (double p : new double[] {1, 50, 95, 99, 99.9, 100}) {
                    long exact = values[(int) Math.max(0, Math.ceil(p / 100 * values.length) - 1)];
                    long reported = throughput.latencyPercentile(p);
                    assertTrue(reported >= exact && reported <= exact + exact / 100,
                            "p" + p + " of " + values.length + ": " + exact + " reported as " + reported);
                }
            }
        }
    }

    @Test
    void percentilesAreTheRecordedLatenciesWithinTheirBucket() {
        try (Throughput throughput = new Throughput("received", LoggerFactory.getLogger("test"), false)) {
            for (long micros = 10_000; micros >= 1; micros--) {
                throughput.addLatency(micros);
            }
            assertEquals(100, throughput.latencyPercentile(1)); // below 256 µs: exact
            assertBetween(5_000, throughput.latencyPercentile(50));
            assertBetween(9_900, throughput.latencyPercentile(99));
            assertBetween(10_000, throughput.latencyPercentile(100));
            // 5000, 9500, 9900 and 9990 µs, each reported as the top of its bucket, within 1 %
            assertTrue(throughput.summary().endsWith("latency p50 5.02 ms p95 9.54 ms p99 9.92 ms p99.9 10.05 ms"),
                    throughput.summary());
        }
    }

    @Test
    void noLatencyRecordedNoLatencyInTheSummary() {
        try (Throughput throughput = new Throughput("sent", LoggerFactory.getLogger("test"), false)) {
            throughput.record(100, 0);
            assertEquals(0, throughput.latencyPercentile(50));
            assertTrue(throughput.summary().matches("summary: 1 messages sent in .* MB/s"), throughput.summary());
        }
    }

    private static void assertBetween(long exact, long reported) {
        assertTrue(reported >= exact && reported <= exact + exact / 100, exact + " reported as " + reported);
    }
}
