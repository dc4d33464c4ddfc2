#!/usr/bin/env bash
# Benchmarks the four programs against the brokers' own tools on real local brokers (started here, on free
# ports, removed at the end): RabbitMQ's PerfTest, Kafka's ProducerPerformance and ConsumerPerformance.
# Prints a table and writes it to target/benchmarks.md. Settings: ./benchmark.sh --help
set -euo pipefail
cd "$(dirname "$0")"
echo "==> building the programs and the benchmark (./mvnw -q -P benchmarks package -DskipTests)"
./mvnw -q -P benchmarks package -DskipTests
exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/app-classpath.txt)" \
  io.github.mqexamples.bench.BenchmarkApp "$@"
