package io.github.mqexamples.rabbitmq.consumer;

import io.github.mqexamples.common.rabbitmq.ExchangeType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the consumer's queue is bound to {@code --exchange}: one {@code queueBind} per binding key, with the
 * arguments a headers exchange matches on. The exchange's type decides what counts:
 * <ul>
 * <li>direct and topic: the binding keys ({@code --binding-key}, or {@code --routing-key}); none = the queue's name;
 * <li>fanout: no key, since a fanout exchange sends every message to every bound queue;
 * <li>headers: no key either; {@code --binding-header} pairs with {@code x-match} all or any.
 * </ul>
 *
 * @param keys     binding keys as given; empty = the queue's name (direct, topic)
 * @param headers  what a headers exchange matches (empty for the other types)
 * @param matchAll headers exchange: every header must match (x-match=all), or one is enough (any)
 */
public record Bindings(ExchangeType type, List<String> keys, Map<String, String> headers, boolean matchAll) {

    /** The program's default: a direct exchange, bound with the queue's name. */
    public static final Bindings DEFAULT = new Bindings(ExchangeType.DIRECT, List.of(), Map.of(), true);

    public Bindings {
        keys = List.copyOf(keys);
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers)); // in the order given, for the log
    }

    /** The keys to bind {@code queue} with: one queueBind each. */
    List<String> keysFor(String queue) {
        return switch (type) {
            // The broker ignores the key of a fanout or headers binding: one binding, key "".
            case FANOUT, HEADERS -> List.of("");
            case DIRECT, TOPIC -> keys.isEmpty() ? List.of(queue) : keys;
        };
    }

    /** The binding's arguments: for a headers exchange, the headers to match and x-match; else none. */
    Map<String, Object> arguments() {
        if (type != ExchangeType.HEADERS) {
            return Map.of();
        }
        Map<String, Object> arguments = new LinkedHashMap<>(headers);
        arguments.put("x-match", matchAll ? "all" : "any");
        return arguments;
    }

    /** For the log line after a binding: what it routes to the queue. */
    String describe(String key) {
        return switch (type) {
            case FANOUT -> "every message (fanout)";
            case HEADERS -> (matchAll ? "all" : "any") + " of the headers " + headers;
            case DIRECT -> "routing key '" + key + "'";
            case TOPIC -> "topic pattern '" + key + "'";
        };
    }
}
