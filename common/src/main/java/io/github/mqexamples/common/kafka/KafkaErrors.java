package io.github.mqexamples.common.kafka;

import io.github.mqexamples.common.BrokerException;
import java.time.Duration;

/** One-line explanations of the Kafka failures a person can fix. */
public final class KafkaErrors {

    /**
     * How long a program waits for the first answer from the cluster. The Kafka clients retry an unreachable
     * broker quietly forever; the programs ask once, up front, and say so clearly instead.
     */
    public static final Duration FIRST_CONTACT_TIMEOUT = Duration.ofSeconds(8);

    private KafkaErrors() {
    }

    public static BrokerException unreachable(String bootstrapServers, Throwable cause) {
        return new BrokerException("cannot reach Kafka at " + bootstrapServers + " (no answer within "
                + FIRST_CONTACT_TIMEOUT.toSeconds() + " s). Check that the broker is running (docker compose up -d kafka,"
                + " or the local-brokers jar), the host and port in --bootstrap-servers / KAFKA_BOOTSTRAP_SERVERS, and"
                + " that the broker's advertised.listeners name an address this machine can reach.", cause);
    }
}
