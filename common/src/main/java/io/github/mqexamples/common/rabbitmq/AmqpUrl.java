package io.github.mqexamples.common.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import io.github.mqexamples.common.UsageException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * An AMQP URL such as {@code amqp://guest:guest@localhost:5672/}.
 *
 * <p>The Go client (amqp091-go) and the RabbitMQ docs read a trailing {@code /} as the default virtual host
 * {@code /}. The Java client reads it as the virtual host named "" (empty), which does not exist, so the Go
 * default copied verbatim fails with "vhost not found". This port follows the Go reading: a URL whose path is
 * empty or just {@code /} means the default vhost {@code /}; any other vhost is written URL-encoded as usual
 * ({@code amqp://host/%2F} is {@code /} too, {@code amqp://host/orders} is {@code orders}).
 *
 * <p>{@code amqps://} is TLS (port 5671 by default), set up by {@code tls}: the broker's certificate and host name are
 * always verified.
 */
public record AmqpUrl(String url, RabbitMqTls tls) {

    public AmqpUrl(String url) {
        this(url, RabbitMqTls.DEFAULT);
    }

    /** This URL with these TLS settings; they need {@code amqps://}. */
    public AmqpUrl withTls(RabbitMqTls settings, String setting) {
        if (settings.configured() && !secure()) {
            throw new UsageException("the TLS settings (" + RabbitMqTls.CA_FLAG + ", " + RabbitMqTls.CERT_FLAG
                    + ") need an amqps:// URL, but " + setting + " is '" + masked() + "'");
        }
        return new AmqpUrl(url, settings);
    }

    /** True for {@code amqps://}. */
    public boolean secure() {
        return url.startsWith("amqps:");
    }

    /** Fails with a UsageException naming {@code setting}, never echoing the password. */
    public static AmqpUrl parse(String url, String setting) {
        AmqpUrl parsed = new AmqpUrl(url);
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equals("amqp") || scheme.equals("amqps")) || uri.getHost() == null) {
                throw new UsageException("invalid " + setting + ": '" + parsed.masked()
                        + "', expected amqp://user:password@host:port/vhost");
            }
            parsed.configure(new ConnectionFactory());
        } catch (URISyntaxException | IllegalArgumentException | java.security.GeneralSecurityException e) {
            throw new UsageException("invalid " + setting + ": '" + parsed.masked() + "': " + e.getMessage()
                    .replace(url, parsed.masked()));
        }
        return parsed;
    }

    /** Host, port, credentials, virtual host and TLS of {@code factory} from this URL. */
    public ConnectionFactory configure(ConnectionFactory factory) throws URISyntaxException,
            java.security.GeneralSecurityException {
        URI uri = new URI(url);
        factory.setUri(url);
        if (secure()) {
            // setUri set up TLS with the JVM's default context; ours trusts --tls-ca-file and presents the client
            // certificate. The host-name check is the client's default with a context of one's own (5.x): said here
            // anyway, as it is what makes a certificate for another host fail.
            factory.useSslProtocol(tls.context());
            factory.enableHostnameVerification();
            if (tls.external()) {
                factory.setSaslConfig(com.rabbitmq.client.DefaultSaslConfig.EXTERNAL);
            }
        }
        String path = uri.getRawPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            factory.setVirtualHost("/");
        }
        return factory;
    }

    /** The URL with its password replaced by ****, fit for logs and error messages. */
    public String masked() {
        return url.replaceFirst("(://[^:/@]*):[^@/]*@", "$1:****@");
    }

    /** host:port, for messages. */
    public String address() {
        try {
            URI uri = new URI(url);
            int port = uri.getPort() != -1 ? uri.getPort() : ("amqps".equals(uri.getScheme()) ? 5671 : 5672);
            return uri.getHost() + ":" + port;
        } catch (URISyntaxException e) {
            return masked();
        }
    }

    /** The user name in the URL ("guest" when none is given, as the client assumes). */
    public String user() {
        try {
            String info = new URI(url).getUserInfo();
            if (info == null || info.isEmpty()) {
                return ConnectionFactory.DEFAULT_USER;
            }
            int colon = info.indexOf(':');
            return colon >= 0 ? info.substring(0, colon) : info;
        } catch (URISyntaxException e) {
            return "?";
        }
    }

    @Override
    public String toString() {
        return masked();
    }
}
