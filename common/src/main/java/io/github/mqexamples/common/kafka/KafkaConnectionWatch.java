package io.github.mqexamples.common.kafka;

import io.github.mqexamples.common.DaemonScheduler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.slf4j.Logger;

/**
 * Says, in a program's own lines, what its Kafka client does while the broker is away. The client reconnects and
 * retries by itself, quietly (its WARN lines per reconnect attempt are turned off: simplelogger.properties), so
 * without this a person sees a stream stop and start again without a word, or stop for good without knowing why:
 * <pre>
 * lost the connection to Kafka at localhost:9092 (no connection: the broker is down or restarting)
 * still waiting for Kafka at localhost:9092 (5 s so far; ...what the program does meanwhile)
 * connected to Kafka at localhost:9092 again after 14 s...; what the program does now
 * </pre>
 * How: once a second it reads the client's own metrics. Only when the client closed a connection
 * (connection-close-total went up) does it ask each bootstrap address with a request of its own ({@link KafkaProbe}),
 * which also tells why in a few words; a connection closed while the broker answers (an idle one, a moved leader)
 * is nothing to report. While a broker is away it asks every second, and the broker is back once it answers and
 * the client has connected again (connection-creation-total went up): not before the client can use it.
 */
public final class KafkaConnectionWatch implements AutoCloseable {

    /** A "still waiting" line this often: a person sees the program is alive, not a line per retry. */
    static final long WAITING_LINE_EVERY_MS = 5_000;

    private final Consumer<String> say; // a line of the program's own, at INFO
    private final List<String> addresses = new ArrayList<>();
    private final Supplier<Map<MetricName, ? extends Metric>> metrics;
    private final Function<String, KafkaProbe.Verdict> probe;
    private final LongSupplier clock;
    private final String whileWaiting;
    private final LongSupplier held;
    private final LongFunction<String> whenBack;
    private ScheduledExecutorService timer;

    private double closedBefore;
    /** The addresses that did not answer, with why; empty while all is well. */
    private Map<String, String> away = new LinkedHashMap<>();
    private long lostAt;
    private long lastLine;
    private double createdAtLoss;
    private long mostHeld; // the most messages the program held at once during this outage

    KafkaConnectionWatch(Consumer<String> say, String bootstrapServers,
                         Supplier<Map<MetricName, ? extends Metric>> metrics, Function<String, KafkaProbe.Verdict> probe,
                         LongSupplier clock, String whileWaiting, LongSupplier held, LongFunction<String> whenBack) {
        this.say = say;
        for (String server : bootstrapServers.split(",")) {
            addresses.add(server.trim());
        }
        this.metrics = metrics;
        this.probe = probe;
        this.clock = clock;
        this.whileWaiting = whileWaiting;
        this.held = held;
        this.whenBack = whenBack;
        this.closedBefore = metric("connection-close-total");
    }

    /**
     * Watches a consumer ({@code metrics}: its {@code ::metrics}) until {@link #close()}. {@code whileWaiting} ends
     * each "still waiting" line: what happens to the program's messages meanwhile.
     */
    public static KafkaConnectionWatch start(Logger log, String bootstrapServers,
                                             Supplier<Map<MetricName, ? extends Metric>> metrics, String whileWaiting) {
        return start(log, bootstrapServers, metrics, whileWaiting, () -> 0, n -> "");
    }

    /**
     * As above, for a producer: {@code held} counts the messages it holds unacknowledged (asked each second of an
     * outage), and {@code whenBack} ends the line that says the broker is back, given the most it held at once: what
     * it sends now ("" for nothing).
     */
    public static KafkaConnectionWatch start(Logger log, String bootstrapServers,
                                             Supplier<Map<MetricName, ? extends Metric>> metrics, String whileWaiting,
                                             LongSupplier held, LongFunction<String> whenBack) {
        KafkaConnectionWatch watch = new KafkaConnectionWatch(log::info, bootstrapServers, metrics,
                address -> KafkaProbe.probe(address, 1_000), System::currentTimeMillis, whileWaiting, held, whenBack);
        watch.timer = DaemonScheduler.named("kafka-connection-watch");
        watch.timer.scheduleWithFixedDelay(() -> {
            try {
                watch.tick();
            } catch (RuntimeException e) {
                log.debug("connection watch: {}", e.toString()); // a watch never ends the program
            }
        }, 1, 1, TimeUnit.SECONDS);
        return watch;
    }

    /** One look: the client's metrics, and the brokers when there is reason to ask them. */
    synchronized void tick() {
        double closed = metric("connection-close-total");
        boolean connectionClosed = closed > closedBefore;
        closedBefore = closed;
        if (away.isEmpty() && !connectionClosed) {
            return; // the usual case: nothing closed, nothing to ask
        }
        long now = clock.getAsLong();
        Map<String, String> notAnswering = new LinkedHashMap<>();
        for (String address : addresses) {
            String why = whyAway(probe.apply(address));
            if (why != null) {
                notAnswering.put(address, why);
            }
        }
        Map<String, String> newlyAway = new LinkedHashMap<>(notAnswering);
        newlyAway.keySet().removeAll(away.keySet());
        if (!newlyAway.isEmpty()) {
            if (away.isEmpty()) {
                lostAt = now;
                lastLine = now;
                createdAtLoss = metric("connection-creation-total");
                mostHeld = held.getAsLong();
            }
            List<String> answering = new ArrayList<>(addresses);
            answering.removeAll(notAnswering.keySet());
            say.accept("lost the connection to Kafka at " + describe(newlyAway) + (answering.isEmpty() ? ""
                    : "; " + String.join(", ", answering) + " still answer" + (answering.size() == 1 ? "s" : "")));
            away.putAll(newlyAway);
            return;
        }
        if (away.isEmpty()) {
            return;
        }
        mostHeld = Math.max(mostHeld, held.getAsLong());
        long seconds = Math.round((now - lostAt) / 1000.0);
        // Back: every address answers, and the client has made a connection since (it can use the broker again).
        if (notAnswering.isEmpty() && metric("connection-creation-total") > createdAtLoss) {
            say.accept("connected to Kafka at " + String.join(", ", away.keySet()) + " again after " + seconds + " s"
                    + whenBack.apply(mostHeld));
            away = new LinkedHashMap<>();
            return;
        }
        // Only while no broker answers: with one of several away, the client carries on with the others.
        if (notAnswering.size() == addresses.size() && now - lastLine >= WAITING_LINE_EVERY_MS) {
            lastLine = now;
            say.accept("still waiting for Kafka at " + String.join(", ", away.keySet()) + " (" + seconds + " s so far; "
                    + whileWaiting + ")");
        }
    }

    /** Why a broker is not usable, in a few words; null when it answers as Kafka. */
    static String whyAway(KafkaProbe.Verdict verdict) {
        return switch (verdict) {
            case KAFKA_WITHOUT_TLS, TLS -> null;
            case NOT_LISTENING -> "no connection: the broker is down or restarting";
            case SILENT_OR_OTHER -> "it accepts connections but does not answer: the broker is starting, stopping or hung";
            case UNKNOWN_HOST -> "unknown host";
            case HTTP -> "something else than Kafka answers there now";
        };
    }

    private static String describe(Map<String, String> away) {
        List<String> parts = new ArrayList<>();
        away.forEach((address, why) -> parts.add(address + " (" + why + ")"));
        return String.join(", ", parts);
    }

    /** The sum of a client metric over its groups (producer-metrics, consumer-metrics); 0 when it has none. */
    private double metric(String name) {
        double sum = 0;
        for (var entry : metrics.get().entrySet()) {
            if (entry.getKey().name().equals(name) && !entry.getKey().group().endsWith("node-metrics")
                    && entry.getValue().metricValue() instanceof Number n) {
                sum += n.doubleValue();
            }
        }
        return sum;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
