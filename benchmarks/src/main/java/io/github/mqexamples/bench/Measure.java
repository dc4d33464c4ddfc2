package io.github.mqexamples.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run's numbers; NaN where a tool does not report one. {@code processSeconds}: the whole process, from JVM start
 * to exit, where it was measured.
 */
record Measure(double msgPerSec, double mbPerSec, double p50Ms, double p95Ms, double p99Ms, double p999Ms,
        double processSeconds) {

    Measure(double msgPerSec, double mbPerSec, double p50Ms, double p95Ms, double p99Ms, double p999Ms) {
        this(msgPerSec, mbPerSec, p50Ms, p95Ms, p99Ms, p999Ms, Double.NaN);
    }

    private static final Pattern OURS = Pattern.compile(
            "summary: \\d+ messages \\w+ in [\\d.]+ s: ([\\d.]+) msg/s, ([\\d.]+) MB/s"
                    + "(?:, latency p50 ([\\d.]+) ms p95 ([\\d.]+) ms p99 ([\\d.]+) ms(?: p99.9 ([\\d.]+) ms)?)?");

    /** Throughput only. */
    Measure(double msgPerSec, double mbPerSec) {
        this(msgPerSec, mbPerSec, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /** The same latencies at another rate. */
    Measure withRate(double messagesPerSecond, double megabytesPerSecond) {
        return new Measure(messagesPerSecond, megabytesPerSecond, p50Ms, p95Ms, p99Ms, p999Ms, processSeconds);
    }

    Measure withProcessSeconds(double seconds) {
        return new Measure(msgPerSec, mbPerSec, p50Ms, p95Ms, p99Ms, p999Ms, seconds);
    }

    /** The summary line the four programs print. */
    static Measure ours(String output) {
        Matcher m = last(OURS, output);
        return new Measure(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), number(m.group(3)),
                number(m.group(4)), number(m.group(5)), number(m.group(6)));
    }

    private static double number(String group) {
        return group == null ? Double.NaN : Double.parseDouble(group);
    }

    /** PerfTest: "sending rate avg: N msg/s" (or receiving), "consumer latency min/median/75th/95th/99th a/b/c/d/e µs". */
    static Measure perfTest(String output, String direction, int size) {
        Matcher rate = last(Pattern.compile(direction + " rate avg: (\\d+) msg/s"), output);
        double msgs = Double.parseDouble(rate.group(1));
        double p50 = Double.NaN;
        double p95 = Double.NaN;
        double p99 = Double.NaN;
        Matcher latency = Pattern.compile("consumer latency min/median/75th/95th/99th (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+) µs")
                .matcher(output);
        while (latency.find()) {
            p50 = Long.parseLong(latency.group(2)) / 1000.0;
            p95 = Long.parseLong(latency.group(4)) / 1000.0;
            p99 = Long.parseLong(latency.group(5)) / 1000.0;
        }
        return new Measure(msgs, msgs * size / 1e6, p50, p95, p99, Double.NaN); // PerfTest prints no p99.9
    }

    /** ProducerPerformance: "N records sent, X records/sec (Y MB/sec), ... ms 50th, ... ms 95th, ... ms 99th, ... ms 99.9th". */
    static Measure producerPerformance(String output) {
        Matcher m = last(Pattern.compile("\\d+ records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\),"
                + " [\\d.]+ ms avg latency, [\\d.]+ ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th"
                + "(?:, (\\d+) ms 99.9th)?"), output);
        return new Measure(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)) * 1.048576,
                number(m.group(3)), number(m.group(4)), number(m.group(5)), number(m.group(6)));
    }

    /**
     * ConsumerPerformance's CSV line: start, end, MB, MB.sec, nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms,
     * fetch.MB.sec, fetch.nMsg.sec. The fetch rates, not nMsg.sec: nMsg.sec also counts the time spent joining
     * the group, which our consumer's clock (first record to last) leaves out; the fetch rates leave it out too.
     */
    static Measure consumerPerformance(String output) {
        Matcher m = last(Pattern.compile("^[\\d:. -]+, [\\d:. -]+, [\\d.]+, [\\d.]+, \\d+, [\\d.]+, \\d+, \\d+,"
                + " ([\\d.]+), ([\\d.]+)", Pattern.MULTILINE), output);
        return new Measure(Double.parseDouble(m.group(2)), Double.parseDouble(m.group(1)) * 1.048576);
    }

    private static Matcher last(Pattern pattern, String output) {
        Matcher m = pattern.matcher(output);
        Matcher found = null;
        while (m.find()) {
            found = pattern.matcher(output);
            found.find(m.start());
        }
        if (found == null) {
            throw new IllegalStateException("no line matching " + pattern + " in:\n" + output);
        }
        return found;
    }

    static double median(List<Measure> runs, ToDoubleFunction<Measure> field) {
        double[] values = runs.stream().mapToDouble(field).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        return values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    static String format(double value, String pattern) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, pattern, value);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.0f msg/s, %.2f MB/s, p50 %s ms, p95 %s ms, p99 %s ms, p99.9 %s ms,"
                + " whole process %s s", msgPerSec, mbPerSec, format(p50Ms, "%.2f"), format(p95Ms, "%.2f"),
                format(p99Ms, "%.2f"), format(p999Ms, "%.2f"), format(processSeconds, "%.2f"));
    }
}
