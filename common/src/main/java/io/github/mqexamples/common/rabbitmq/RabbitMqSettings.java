package io.github.mqexamples.common.rabbitmq;

import io.github.mqexamples.common.Settings;
import io.github.mqexamples.common.UsageException;
import io.github.mqexamples.common.Values;
import java.util.Locale;

/** The settings both RabbitMQ programs share: where the broker is, and how the queue is declared. */
public final class RabbitMqSettings {

    private RabbitMqSettings() {
    }

    public static Settings addTo(Settings settings) {
        return settings
                .add("url", "RABBITMQ_URL", "amqp://guest:guest@localhost:5672/", "AMQP URL of the broker; for a"
                        + " cluster, more addresses after it: amqp://user:pass@node1:5672/,node2:5672,node3:5672")
                .add("tls-ca-file", "RABBITMQ_TLS_CA_FILE", null, "amqps: trust the broker's certificate if this CA"
                        + " (PEM) signed it; none = the JVM's default trust store")
                .add("tls-cert-file", "RABBITMQ_TLS_CERT_FILE", null, "amqps: present this client certificate (PEM,"
                        + " with its chain) for mutual TLS; needs --tls-key-file")
                .add("tls-key-file", "RABBITMQ_TLS_KEY_FILE", null, "amqps: the client certificate's private key"
                        + " (unencrypted PKCS#8 PEM, RSA or EC)")
                .add("auth-mechanism", "RABBITMQ_AUTH_MECHANISM", "plain", "plain (user and password of --url) or"
                        + " external (amqps: log in by the client certificate; the broker needs rabbitmq_auth_mechanism_ssl)")
                .add("queue", "RABBITMQ_QUEUE", "hello", "the queue (declared if missing)")
                .add("queue-type", "RABBITMQ_QUEUE_TYPE", "quorum", "quorum or classic")
                .add("durable", "RABBITMQ_DURABLE", "true", "declare the queue durable: it survives a broker restart")
                .add("delivery-limit", "RABBITMQ_DELIVERY_LIMIT", String.valueOf(QueueSpec.DEFAULT_DELIVERY_LIMIT),
                        "quorum queue: dead-letter a message after this many returns to the queue")
                .add("max-length", "RABBITMQ_MAX_LENGTH", "0", "most messages the queue holds; 0 = no limit")
                .add("overflow", "RABBITMQ_OVERFLOW", "reject-publish", "with --max-length, a message to a full queue:"
                        + " reject-publish (refused: the producer gets a nack and reports it) or drop-head (the oldest"
                        + " is dropped; a quorum queue dead-letters it to <queue>.dlq)");
    }

    public static AmqpUrl url(Values v) {
        AmqpUrl url = AmqpUrl.parse(v.string("url"), "--url / RABBITMQ_URL");
        boolean external = v.choice("auth-mechanism", "plain", "external").equals("external");
        return url.withTls(RabbitMqTls.of(path(v, "tls-ca-file"), path(v, "tls-cert-file"), path(v, "tls-key-file"),
                external), "--url / RABBITMQ_URL");
    }

    private static java.nio.file.Path path(Values v, String name) {
        return v.optional(name).filter(s -> !s.isBlank()).map(java.nio.file.Path::of).orElse(null);
    }

    /**
     * {@code --exchange-type}, which only means something with {@code --exchange}: the default exchange ('') is a
     * direct one that cannot be redeclared, so any other type without a named exchange is refused.
     */
    public static ExchangeType exchangeType(Values v) {
        ExchangeType type = v.choice("exchange-type", ExchangeType.class);
        if (type != ExchangeType.DIRECT && v.optional("exchange").orElse("").isEmpty()) {
            throw new UsageException("--exchange-type " + type.name().toLowerCase(Locale.ROOT)
                    + " needs --exchange: the default exchange is always direct");
        }
        return type;
    }

    public static QueueSpec queue(Values v) {
        return new QueueSpec(v.string("queue"), v.bool("durable"), v.choice("queue-type", "quorum", "classic"),
                v.integer("delivery-limit", 1, Integer.MAX_VALUE), v.integer("max-length", 0, Integer.MAX_VALUE),
                v.choice("overflow", Overflow.class));
    }
}
