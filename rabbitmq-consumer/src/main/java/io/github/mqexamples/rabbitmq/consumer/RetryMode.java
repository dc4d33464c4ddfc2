package io.github.mqexamples.rabbitmq.consumer;

/** {@code --retry}: where a message whose processing failed waits for its next attempt. */
public enum RetryMode {
    /** In {@code <queue>.retry} for {@code --retry-delay}; the broker then returns it, and the others keep flowing. */
    DELAYED,
    /** Nowhere: nacked back into the queue at once. Only a quorum queue counts the returns, so only there. */
    REQUEUE,
    /** No next attempt: to the dead-letter queue at the first failure. */
    NONE
}
