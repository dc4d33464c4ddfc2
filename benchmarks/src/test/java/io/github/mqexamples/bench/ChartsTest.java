package io.github.mqexamples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class ChartsTest {

    static final BenchmarkApp.Row PRODUCER = new BenchmarkApp.Row("Kafka producer alone: 1000000 x 1000 B <acks=all>",
            List.of(new Measure(90_000, 90), new Measure(100_000, 100), new Measure(95_000, 95)),
            List.of(new Measure(100_000, 100), new Measure(110_000, 110), new Measure(105_000, 105)), false);
    static final BenchmarkApp.Row LATENCY = new BenchmarkApp.Row("RabbitMQ latency at 1000 msg/s",
            List.of(new Measure(1000, 1, 0.7, 2, 8, 40), new Measure(1000, 1, 0.8, 3, 9, 50)),
            List.of(new Measure(1000, 1, 0.6, 4, 31, Double.NaN)), true);

    static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void throughputShowsBothMediansTheirSpreadAndTheRatio() throws Exception {
        String svg = Charts.throughput(List.of(PRODUCER));
        Document doc = parse(svg); // well-formed: the label's < and > are escaped
        assertEquals("svg", doc.getDocumentElement().getTagName());
        assertTrue(svg.contains("&lt;acks=all&gt;"), svg);
        assertTrue(svg.contains(">95,000<") && svg.contains(">105,000<"), "the medians: " + svg);
        assertTrue(svg.contains(">0.90x<"), "ours / reference: " + svg);
        assertEquals(2, doc.getElementsByTagName("path").getLength(), "a whisker per bar");
        assertTrue(svg.contains(">ProducerPerf.<"), svg);
        assertEquals("plain consumer", Charts.referenceName("Kafka transactional step: 100000 x 1000 B"
                + " (reference: the plain consumer, reading only)"));
        assertEquals("PerfTest", Charts.referenceName("RabbitMQ consumer alone"));
        assertEquals("ConsumerPerf.", Charts.referenceName("Kafka consumer alone: reading 1000000 x 1000 B"));
    }

    @Test
    void latencyDrawsEachPercentileTheToolsReportOnALogScale() throws Exception {
        String svg = Charts.latency(List.of(PRODUCER, LATENCY));
        parse(svg);
        // ours: p50 0.75 (median of 0.7 and 0.8), p95 2.5, p99 8.5, p99.9 45; PerfTest: no p99.9
        for (String value : new String[] {">0.75<", ">2.50<", ">8.50<", ">45<", ">0.60<", ">4.00<", ">31<"}) {
            assertTrue(svg.contains(value), value + " in " + svg);
        }
        assertFalse(svg.contains("Kafka producer alone"), "only the fixed-rate rows");
        assertTrue(svg.contains(">0.1 ms<") && svg.contains(">100 ms<"), "powers of ten up to the largest: " + svg);
        assertEquals(7 + 2, svg.split("<rect ", -1).length - 1 - 1, "7 bars, the legend's 2, the background");
    }
}
