package io.github.mqexamples.common;

import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;

/**
 * Counts what a program sent or received and reports it: a progress line about once a second (when asked for)
 * and a closing summary with messages, seconds, msg/s, MB/s and, for a consumer, end-to-end latency percentiles
 * computed from the send time the producer puts in each message.
 */
public final class Throughput implements AutoCloseable {

    /** Header (RabbitMQ) or record header (Kafka) carrying the send time, in microseconds since the epoch. */
    public static final String SENT_AT_HEADER = "x-sent-at-micros";

    private final String what;
    private final Logger log;
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    /**
     * End-to-end latencies in microseconds, counted in HdrHistogram's buckets rather than kept one by one:
     * recording one is an increment, a run of any length takes a few tens of KB, and nothing is sorted at the
     * end. With 2 significant digits a percentile is reported as the top of its bucket: never below the true
     * value, at most 1 % above it.
     */
    private final Histogram latencies = new Histogram(2);
    private volatile long firstNanos;
    private volatile long lastNanos;
    /** True once {@link #start()} set the clock; otherwise it starts with the first message recorded. */
    private volatile boolean started;
    private final ScheduledExecutorService progress;
    /** What the progress lines add after the rate: the messages still waiting (see {@link #showBacklog}). */
    private volatile String backlogLabel;
    private volatile LongSupplier backlog;

    /** @param what "sent" or "received"; {@code progressLines} prints a line about once a second */
    public Throughput(String what, Logger log, boolean progressLines) {
        this.what = what;
        this.log = log;
        if (progressLines) {
            progress = DaemonScheduler.named("progress");
            long[] previous = {0, System.nanoTime(), -1};
            progress.scheduleAtFixedRate(() -> {
                long waiting = backlog == null ? -1 : backlog.getAsLong();
                long now = System.nanoTime();
                long count = messages.get();
                // A line when something moved: messages done, or the backlog grew or shrank (a backlog that
                // drained to 0 after the last message is worth its line too).
                if (count != previous[0] || waiting != previous[2]) {
                    double rate = (count - previous[0]) / ((now - previous[1]) / 1e9);
                    log.info("{} {} so far, {} msg/s now{}", what, count, String.format(Locale.ROOT, "%.0f", rate),
                            waiting < 0 ? "" : ", " + backlogLabel + " " + waiting);
                }
                previous[0] = count;
                previous[1] = now;
                previous[2] = waiting;
            }, 1, 1, TimeUnit.SECONDS);
        } else {
            progress = null;
        }
    }

    /**
     * Adds the backlog to each progress line, as {@code ", <label> <n>"}: the messages not yet consumed, such as a
     * queue's depth or a group's lag. {@code count} is asked once a second from the progress thread (so it must be
     * safe to call from there) and returns -1 when it cannot tell (the broker unreachable): the line then omits it.
     */
    public void showBacklog(String label, LongSupplier count) {
        this.backlogLabel = label;
        this.backlog = count;
    }

    /** A summary is worth a line on long runs (progress lines on, or 1000 messages and more), not for three messages. */
    public boolean worthASummary() {
        return progress != null || messages.get() >= 1000;
    }

    /** Logs the {@link #summary()} when it is {@link #worthASummary() worth a line}. */
    public void logSummary() {
        if (worthASummary()) {
            log.info(summary());
        }
    }

    /** Microseconds since the epoch, the unit of {@link #SENT_AT_HEADER}. */
    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** One message of {@code size} bytes done; {@code sentAtMicros} 0 when unknown. */
    public void record(int size, long sentAtMicros) {
        long now = System.nanoTime();
        if (messages.getAndIncrement() == 0 && !started) {
            firstNanos = now;
        }
        lastNanos = now;
        bytes.addAndGet(size);
        if (sentAtMicros > 0) {
            addLatency(Math.max(0, nowMicros() - sentAtMicros));
        }
    }

    synchronized void addLatency(long micros) {
        latencies.recordValue(micros);
    }

    /** Marks the start of the run, for producers whose clock starts before the first confirm. */
    public void start() {
        firstNanos = System.nanoTime();
        started = true;
    }

    /** "summary: 100000 messages received in 2.41 s: 41493 msg/s, 41.5 MB/s, latency p50 1.2 ms p95 ..." */
    public synchronized String summary() {
        close(); // no progress line after the summary
        long count = messages.get();
        double seconds = count == 0 ? 0 : Math.max(1e-9, (lastNanos - firstNanos) / 1e9);
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "summary: %d messages %s in %.2f s: %.0f msg/s, %.2f MB/s", count, what, seconds,
                seconds == 0 ? 0 : count / seconds, seconds == 0 ? 0 : bytes.get() / seconds / 1e6));
        if (latencies.getTotalCount() > 0) {
            s.append(String.format(Locale.ROOT, ", latency p50 %.2f ms p95 %.2f ms p99 %.2f ms p99.9 %.2f ms",
                    latencyPercentile(50) / 1000.0, latencyPercentile(95) / 1000.0, latencyPercentile(99) / 1000.0,
                    latencyPercentile(99.9) / 1000.0));
        }
        return s.toString();
    }

    /** The latency (µs, top of its bucket) that {@code p} percent of the recorded ones do not exceed; 0 if none. */
    synchronized long latencyPercentile(double p) {
        return latencies.getTotalCount() == 0 ? 0 : latencies.getValueAtPercentile(p);
    }

    @Override
    public void close() {
        if (progress != null) {
            progress.shutdownNow();
        }
    }
}
