package io.github.mqexamples.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ThroughputTest {

    @Test
    void aBucketsTopIsTheValueBelow128AndAtMostOneSixtyFourthAboveIt() {
        Random random = new Random(42);
        int previous = -1;
        for (long v = 0; v < 100_000; v++) {
            assertWithinBucket(v);
            int bucket = Throughput.bucket(v);
            assertTrue(bucket == previous || bucket == previous + 1, "buckets follow each other at " + v);
            previous = bucket;
        }
        for (int i = 0; i < 100_000; i++) {
            assertWithinBucket(Long.MAX_VALUE >>> random.nextInt(63) & random.nextLong());
        }
        assertWithinBucket(Long.MAX_VALUE);
    }

    private static void assertWithinBucket(long v) {
        long top = Throughput.bucketTop(Throughput.bucket(v));
        if (v < 128) {
            assertEquals(v, top);
        } else {
            assertTrue(top >= v && top - v <= v / 64, v + " reported as " + top);
        }
    }

    @Test
    void percentilesAreTheRecordedLatenciesWithinTheirBucket() {
        try (Throughput throughput = new Throughput("received", LoggerFactory.getLogger("test"), false)) {
            for (long micros = 10_000; micros >= 1; micros--) {
                throughput.addLatency(micros);
            }
            assertEquals(100, throughput.latencyPercentile(1)); // below 128 µs: exact
            assertBetween(5_000, throughput.latencyPercentile(50));
            assertBetween(9_900, throughput.latencyPercentile(99));
            assertBetween(10_000, throughput.latencyPercentile(100));
            // 5000, 9500 and 9900 µs, each reported as the top of its bucket (5055, 9599, 9983)
            assertTrue(throughput.summary().endsWith("latency p50 5.06 ms p95 9.60 ms p99 9.98 ms"),
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
        assertTrue(reported >= exact && reported <= exact + exact / 64, exact + " reported as " + reported);
    }
}
