package io.github.mqexamples.common.rabbitmq;

import java.util.Locale;

/** What a queue with a length limit ({@code --max-length}) does with a message that arrives when it is full. */
public enum Overflow {
    /** Refuse the new message: a publisher with confirms gets a nack, so nothing is lost without a word. */
    REJECT_PUBLISH,
    /** Drop the oldest message to make room (dead-lettered to {@code <queue>.dlq} if the queue names one). */
    DROP_HEAD;

    /** The value of the {@code x-overflow} queue argument, and of the flag: reject-publish, drop-head. */
    public String argument() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
