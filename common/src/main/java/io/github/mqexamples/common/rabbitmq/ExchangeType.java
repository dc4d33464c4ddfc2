package io.github.mqexamples.common.rabbitmq;

import com.rabbitmq.client.BuiltinExchangeType;

/**
 * {@code --exchange-type}: how an exchange routes a message to the queues bound to it. Producer and consumer both
 * declare the exchange, and must declare it alike, or the broker refuses the second (PRECONDITION_FAILED).
 */
public enum ExchangeType {
    /** To the queues whose binding key equals the routing key. */
    DIRECT(BuiltinExchangeType.DIRECT),
    /** To every bound queue, keys ignored: publish/subscribe. */
    FANOUT(BuiltinExchangeType.FANOUT),
    /** To the queues whose binding pattern matches the key's dot-separated words: * is one word, # zero or more. */
    TOPIC(BuiltinExchangeType.TOPIC),
    /** By the message's headers, not its key: a binding names headers and whether all or any must match. */
    HEADERS(BuiltinExchangeType.HEADERS);

    private final BuiltinExchangeType builtin;

    ExchangeType(BuiltinExchangeType builtin) {
        this.builtin = builtin;
    }

    /** The client's name for it, as {@code exchangeDeclare} takes it. */
    public BuiltinExchangeType builtin() {
        return builtin;
    }
}
