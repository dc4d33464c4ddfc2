package io.github.mqexamples.bench;

/** Kafka: our producer and consumer against ProducerPerformance and ConsumerPerformance. */
final class KafkaBenchmarks {

    private KafkaBenchmarks() {
    }

    static void run(BenchmarkApp app, String bootstrapServers) {
        app.log().warn("Kafka comparisons are not wired yet");
    }
}
