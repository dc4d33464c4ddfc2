package io.github.mqexamples.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The benchmark's results as two SVG pictures, written by hand (a few rectangles and lines; a charting library would
 * be the bigger part of the module):
 * <ul>
 *   <li>throughput: per scenario, ours and the reference tool, the median as a bar and the slowest to the fastest
 *       round as a whisker; each scenario on its own scale (they range from hundreds to a million msg/s), the ratio
 *       at the end of the line;</li>
 *   <li>latency: per fixed-rate scenario, p50, p95, p99 and p99.9 of ours and of the reference, on one logarithmic
 *       scale, as the percentiles span three orders of magnitude.</li>
 * </ul>
 */
final class Charts {

    static final String OURS = "#1f6feb";
    static final String REFERENCE = "#8b949e";
    static final int WIDTH = 960;
    static final int LABEL = 14;

    private Charts() {
    }

    /** Throughput of every row, ours against the reference (ours alone where there is none). */
    static String throughput(List<BenchmarkApp.Row> rows) {
        int rowHeight = 70;
        int top = 56;
        int height = top + rows.size() * rowHeight + 20;
        int barLeft = 150;
        int barWidth = WIDTH - barLeft - 190;
        StringBuilder svg = start(height, "Throughput, msg/s: ours against the reference tool",
                "bar: median of the rounds; whisker: slowest to fastest round; each scenario on its own scale");
        int y = top;
        for (BenchmarkApp.Row row : rows) {
            double max = Math.max(max(row.ours(), Measure::msgPerSec), max(row.reference(), Measure::msgPerSec));
            svg.append(text(12, y + 12, LABEL, "#24292f", "start", shorten(row.scenario(), 120)));
            bar(svg, "ours", row.ours(), Measure::msgPerSec, max, barLeft, barWidth, y + 20, OURS);
            if (!row.reference().isEmpty()) {
                bar(svg, referenceName(row.scenario()), row.reference(), Measure::msgPerSec, max, barLeft, barWidth,
                        y + 40, REFERENCE);
                double ratio = Measure.median(row.ours(), Measure::msgPerSec)
                        / Measure.median(row.reference(), Measure::msgPerSec);
                svg.append(text(WIDTH - 12, y + 42, 18, ratio >= 1 ? "#1a7f37" : "#cf222e", "end",
                        Measure.format(ratio, "%.2fx")));
            }
            y += rowHeight;
        }
        return svg.append("</svg>\n").toString();
    }

    /** p50 to p99.9 of the fixed-rate rows, on a logarithmic scale in ms. */
    static String latency(List<BenchmarkApp.Row> rows) {
        List<BenchmarkApp.Row> latencyRows = rows.stream().filter(BenchmarkApp.Row::latency).toList();
        String[] names = {"p50", "p95", "p99", "p99.9"};
        List<ToDoubleFunction<Measure>> fields = List.of(Measure::p50Ms, Measure::p95Ms, Measure::p99Ms,
                Measure::p999Ms);
        int blockHeight = 30 + names.length * 26;
        int top = 70;
        int height = top + latencyRows.size() * blockHeight + 40;
        int left = 150;
        int width = WIDTH - left - 110;
        double lo = 0.1;
        double hi = 1;
        for (BenchmarkApp.Row row : latencyRows) {
            for (ToDoubleFunction<Measure> field : fields) {
                hi = Math.max(hi, Math.max(orZero(Measure.median(row.ours(), field)),
                        orZero(Measure.median(row.reference(), field))));
            }
        }
        hi = Math.pow(10, Math.ceil(Math.log10(hi)));
        StringBuilder svg = start(height, "Latency at a fixed rate, ms (logarithmic scale)",
                "median of the rounds of each percentile; none drawn where the tool does not report it");
        // The scale: a line per power of ten.
        for (double tick = lo; tick <= hi * 1.0001; tick *= 10) {
            double x = left + scale(tick, lo, hi, width);
            svg.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#d0d7de'/>%n", x,
                    top - 8, x, height - 30));
            svg.append(text(x, height - 14, 12, "#57606a", "middle", Measure.format(tick, tick < 1 ? "%.1f" : "%.0f")
                    + " ms"));
        }
        int y = top;
        for (BenchmarkApp.Row row : latencyRows) {
            svg.append(text(12, y + 4, LABEL, "#24292f", "start", shorten(row.scenario(), 120)));
            for (int i = 0; i < names.length; i++) {
                int lineY = y + 16 + i * 26;
                svg.append(text(left - 10, lineY + 14, 13, "#24292f", "end", names[i]));
                latencyBar(svg, Measure.median(row.ours(), fields.get(i)), lo, hi, left, width, lineY, OURS);
                latencyBar(svg, Measure.median(row.reference(), fields.get(i)), lo, hi, left, width, lineY + 11,
                        REFERENCE);
            }
            y += blockHeight;
        }
        return svg.append("</svg>\n").toString();
    }

    private static void bar(StringBuilder svg, String name, List<Measure> runs, ToDoubleFunction<Measure> field,
                            double max, int left, int width, int y, String colour) {
        double median = Measure.median(runs, field);
        double w = max > 0 ? median / max * width : 0;
        svg.append(text(left - 8, y + 12, 12, "#57606a", "end", name));
        svg.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%.1f' height='14' fill='%s'/>%n", left, y, w,
                colour));
        double slowest = runs.stream().mapToDouble(field).min().orElse(median);
        double fastest = runs.stream().mapToDouble(field).max().orElse(median);
        double x1 = left + slowest / max * width;
        double x2 = left + fastest / max * width;
        svg.append(String.format(Locale.ROOT, "<path d='M%.1f %d V%d M%.1f %d H%.1f M%.1f %d V%d' stroke='#24292f'"
                + " stroke-width='1.5' fill='none'/>%n", x1, y + 2, y + 12, x1, y + 7, x2, x2, y + 2, y + 12));
        svg.append(text(Math.max(left + w, x2) + 8, y + 12, 12, "#24292f", "start",
                String.format(Locale.ROOT, "%,.0f", median)));
    }

    private static void latencyBar(StringBuilder svg, double ms, double lo, double hi, int left, int width, int y,
                                   String colour) {
        if (Double.isNaN(ms)) {
            return;
        }
        double w = scale(Math.max(ms, lo), lo, hi, width);
        svg.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%.1f' height='10' fill='%s'/>%n", left, y,
                Math.max(w, 1), colour));
        svg.append(text(left + w + 6, y + 9, 11, "#24292f", "start", Measure.format(ms, ms < 10 ? "%.2f" : "%.0f")));
    }

    private static double scale(double ms, double lo, double hi, int width) {
        return Math.log10(ms / lo) / Math.log10(hi / lo) * width;
    }

    private static StringBuilder start(int height, String title, String subtitle) {
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' viewBox='0 0 %d %d'"
                        + " font-family='-apple-system, Segoe UI, Helvetica, Arial, sans-serif'>%n"
                        + "<rect width='100%%' height='100%%' fill='white'/>%n", WIDTH, height, WIDTH, height));
        svg.append(text(12, 22, 17, "#24292f", "start", title).replace("<text ", "<text font-weight='bold' "));
        svg.append(text(12, 40, 12, "#57606a", "start", subtitle));
        // The legend.
        svg.append(String.format(Locale.ROOT, "<rect x='%d' y='12' width='12' height='12' fill='%s'/>%n", WIDTH - 250,
                OURS));
        svg.append(text(WIDTH - 233, 23, 12, "#24292f", "start", "ours"));
        svg.append(String.format(Locale.ROOT, "<rect x='%d' y='12' width='12' height='12' fill='%s'/>%n", WIDTH - 190,
                REFERENCE));
        svg.append(text(WIDTH - 173, 23, 12, "#24292f", "start", "reference tool"));
        return svg;
    }

    static String text(double x, double y, int size, String colour, String anchor, String content) {
        return String.format(Locale.ROOT, "<text x='%.1f' y='%.1f' font-size='%d' fill='%s' text-anchor='%s'>%s</text>%n",
                x, y, size, colour, anchor, escape(content));
    }

    /** What the scenario compares with, from its name (PerfTest for RabbitMQ, the Kafka tools otherwise). */
    static String referenceName(String scenario) {
        if (scenario.contains("(reference: the plain consumer")) {
            return "plain consumer";
        }
        if (scenario.startsWith("RabbitMQ")) {
            return "PerfTest";
        }
        return scenario.contains("consumer") && !scenario.contains("latency") ? "ConsumerPerf." : "ProducerPerf.";
    }

    static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;");
    }

    private static double max(List<Measure> runs, ToDoubleFunction<Measure> field) {
        return runs.stream().mapToDouble(field).filter(v -> !Double.isNaN(v)).max().orElse(0);
    }

    private static double orZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
