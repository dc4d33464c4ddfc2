#!/usr/bin/env bash
# Runs the examples end to end: builds the jars, brings up real brokers, sends 3 messages through RabbitMQ and
# 3 records through Kafka with the producer programs, receives them with the consumer programs, and stops.
#
# Brokers: with RABBITMQ_URL and KAFKA_BOOTSTRAP_SERVERS set (for example after `docker compose up -d`), those
# are used. Otherwise a private RabbitMQ node (from the installed rabbitmq-server) and a Kafka broker are
# started on free ports for this run only, and removed at the end.
set -euo pipefail
cd "$(dirname "$0")"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Building the jars (./mvnw -q package -DskipTests)"
./mvnw -q package -DskipTests

work=$(mktemp -d)
brokers_pid=""
cleanup() {
  if [ -n "$brokers_pid" ] && kill -0 "$brokers_pid" 2>/dev/null; then
    step "Stopping the local brokers"
    kill -TERM "$brokers_pid"
    wait "$brokers_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

queue=hello
topic=test-topic
group=test-group
if [ -n "${RABBITMQ_URL:-}" ] && [ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]; then
  step "Using the brokers in RABBITMQ_URL and KAFKA_BOOTSTRAP_SERVERS"
  # Brokers that outlive this run may hold messages from earlier runs: use names of our own.
  queue="hello-$(date +%s)"
  topic="test-topic-$(date +%s)"
  group="test-group-$(date +%s)"
else
  step "Starting real local brokers on free ports (java -jar local-brokers/target/local-brokers.jar)"
  java -jar local-brokers/target/local-brokers.jar --rabbitmq-port 0 --management-port 0 --kafka-port 0 \
    --env-file "$work/brokers.env" > "$work/brokers.log" 2>&1 &
  brokers_pid=$!
  for _ in $(seq 1 240); do
    [ -s "$work/brokers.env" ] && break
    if ! kill -0 "$brokers_pid" 2>/dev/null; then
      cat "$work/brokers.log" >&2
      echo "The local brokers did not start (see above). With Docker instead:" >&2
      echo "  docker compose up -d && RABBITMQ_URL=amqp://guest:guest@localhost:5672/ KAFKA_BOOTSTRAP_SERVERS=localhost:9092 ./run-examples.sh" >&2
      exit 1
    fi
    sleep 0.5
  done
  [ -s "$work/brokers.env" ] || { cat "$work/brokers.log" >&2; echo "brokers not ready after 120 s" >&2; exit 1; }
  cat "$work/brokers.log"
  set -a; . "$work/brokers.env"; set +a
fi

step "RabbitMQ: the producer sends 3 messages to queue '$queue'"
java -jar rabbitmq-producer/target/rabbitmq-producer.jar --queue "$queue" --count 3
step "RabbitMQ: the consumer receives them, acknowledging them after processing"
java -jar rabbitmq-consumer/target/rabbitmq-consumer.jar --queue "$queue" --max-messages 3

step "Kafka: the producer sends 3 records to topic '$topic'"
java -jar kafka-producer/target/kafka-producer.jar --topic "$topic" --count 3
step "Kafka: the consumer (group '$group') reads them, committing after processing"
java -jar kafka-consumer/target/kafka-consumer.jar --topic "$topic" --group "$group" --max-messages 3

step "Done: 3 messages through RabbitMQ and 3 records through Kafka, sent and received."
