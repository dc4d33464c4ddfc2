package io.github.mqexamples.rabbitmq.producer;

import java.nio.charset.StandardCharsets;

/** One message on its way: a body, and an id that stays the same across re-sends so a consumer knows the copy. */
final class Message {
    final byte[] body;
    final String id;
    /** How many times it has been published; more than once after a nack, a timeout or a lost connection. */
    int sends;

    Message(byte[] body, String id) {
        this.body = body;
        this.id = id;
    }

    /** The body as text for log lines (a padded body shows its first 60 characters). */
    @Override
    public String toString() {
        String text = new String(body, 0, Math.min(body.length, 60), StandardCharsets.UTF_8);
        return body.length > 60 ? text + "..." : text;
    }
}
