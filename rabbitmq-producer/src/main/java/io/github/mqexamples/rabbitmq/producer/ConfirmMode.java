package io.github.mqexamples.rabbitmq.producer;

/** {@code --confirm}: the three ways of waiting for publisher confirms, from the simplest to the fastest. */
public enum ConfirmMode {
    /** Publish one message, wait for its confirm: a round trip per message. */
    INDIVIDUAL,
    /** Publish {@code --batch-size} messages, wait for all their confirms; a nack sends the whole batch again. */
    BATCH,
    /** Keep publishing while confirms arrive, up to {@code --confirm-window} messages unconfirmed at once. */
    ASYNC
}
