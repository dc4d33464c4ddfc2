package io.github.mqexamples.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

/** The lines of {@link KafkaConnectionWatch}, from a client's metrics and broker answers played by the test. */
class KafkaConnectionWatchTest {

    final Map<MetricName, Metric> metrics = new HashMap<>();
    final Map<String, KafkaProbe.Verdict> brokers = new HashMap<>();
    final List<String> lines = new ArrayList<>();
    final List<String> probed = new ArrayList<>();
    long now = 1_000_000;
    long held = 3;

    KafkaConnectionWatch watch(String servers) {
        for (String s : servers.split(",")) {
            brokers.put(s, KafkaProbe.Verdict.KAFKA_WITHOUT_TLS);
        }
        set("connection-close-total", 0);
        set("connection-creation-total", 1);
        return new KafkaConnectionWatch(lines::add, servers, () -> metrics, address -> {
            probed.add(address);
            return brokers.get(address);
        }, () -> now, "records are kept", () -> held, n -> "; " + n + " sent again");
    }

    void set(String name, double value) {
        MetricName metricName = new MetricName(name, "producer-metrics", "", Map.of("client-id", "p"));
        metrics.put(metricName, new Metric() {
            @Override
            public MetricName metricName() {
                return metricName;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        });
    }

    /** One tick a second for {@code seconds} seconds. */
    void run(KafkaConnectionWatch watch, int seconds) {
        for (int i = 0; i < seconds; i++) {
            now += 1_000;
            watch.tick();
        }
    }

    @Test
    void aBrokerKilledAndBackIsLostWaitedForAndConnectedAgainInFewLines() {
        KafkaConnectionWatch watch = watch("k:9092");
        run(watch, 3);
        assertEquals(List.of(), probed, "nothing closed: the broker is not asked");

        brokers.put("k:9092", KafkaProbe.Verdict.NOT_LISTENING);
        set("connection-close-total", 1);
        run(watch, 6);
        held = 4; // the program holds one more meanwhile
        run(watch, 6);
        held = 1; // some acknowledged already, as the client reconnects between two looks
        brokers.put("k:9092", KafkaProbe.Verdict.KAFKA_WITHOUT_TLS); // listening again, the client not connected yet
        run(watch, 1);
        set("connection-creation-total", 2);
        run(watch, 1);
        run(watch, 3);
        assertEquals(List.of(
                "lost the connection to Kafka at k:9092 (no connection: the broker is down or restarting)",
                "still waiting for Kafka at k:9092 (5 s so far; records are kept)",
                "still waiting for Kafka at k:9092 (10 s so far; records are kept)",
                "connected to Kafka at k:9092 again after 13 s; 4 sent again"), lines);
    }

    @Test
    void aConnectionClosedWhileTheBrokerAnswersIsNothingToSay() {
        KafkaConnectionWatch watch = watch("k:9092");
        set("connection-close-total", 1); // an idle connection closed, a leader moved
        run(watch, 3);
        assertEquals(List.of("k:9092"), probed, "asked once, when the connection closed");
        assertEquals(List.of(), lines);
    }

    @Test
    void oneBrokerOfSeveralAwayIsSaidOnceWithoutWaitingLines() {
        KafkaConnectionWatch watch = watch("a:1,b:2");
        brokers.put("b:2", KafkaProbe.Verdict.SILENT_OR_OTHER);
        set("connection-close-total", 1);
        run(watch, 12);
        assertEquals(List.of("lost the connection to Kafka at b:2 (it accepts connections but does not answer: the"
                + " broker is starting, stopping or hung); a:1 still answers"), lines);
    }
}
