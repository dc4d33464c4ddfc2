package io.github.mqexamples.rabbitmq.consumer;

/** {@code --ack}: when the broker may forget a message it has delivered. */
public enum AckMode {
    /** When the consumer acks it, after processing: a message held by a consumer that dies is delivered again. */
    MANUAL,
    /** As soon as the broker sends it (the Go sample's mode): whatever a dying consumer held is lost. */
    AUTO
}
