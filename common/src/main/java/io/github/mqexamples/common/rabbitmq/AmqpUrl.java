package io.github.mqexamples.common.rabbitmq;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.ConnectionFactory;
import io.github.mqexamples.common.UsageException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

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
 *
 * <p>A cluster has several nodes, and a client should know more than one of them: {@code --url} takes a
 * comma-separated list, {@code amqp://guest:guest@host1:5672/,host2:5672,host3:5672}. The first entry is a full URL
 * (user, password, virtual host, scheme); the others add addresses ({@code host:port}, or full URLs with the same
 * user, password and virtual host). {@code url} is that first URL, {@code more} the other addresses.
 */
public record AmqpUrl(String url, RabbitMqTls tls, List<Address> more) {

    public AmqpUrl(String url) {
        this(url, RabbitMqTls.DEFAULT, List.of());
    }

    /** This URL with these TLS settings; they need {@code amqps://}. */
    public AmqpUrl withTls(RabbitMqTls settings, String setting) {
        if (settings.configured() && !secure()) {
            throw new UsageException("the TLS settings (" + RabbitMqTls.CA_FLAG + ", " + RabbitMqTls.CERT_FLAG
                    + ") need an amqps:// URL, but " + setting + " is '" + masked() + "'");
        }
        return new AmqpUrl(url, settings, more);
    }

    /** True for {@code amqps://}. */
    public boolean secure() {
        return url.startsWith("amqps:");
    }

    /**
     * One URL, or a comma-separated list of them (see the class comment). Fails with a UsageException naming
     * {@code setting}, never echoing the password.
     */
    public static AmqpUrl parse(String url, String setting) {
        String[] entries = url.split(",", -1);
        AmqpUrl parsed = parseOne(entries[0].trim(), setting);
        List<Address> more = new ArrayList<>();
        for (int i = 1; i < entries.length; i++) {
            more.add(parsed.sameNode(entries[i].trim(), setting));
        }
        return new AmqpUrl(parsed.url, parsed.tls, List.copyOf(more));
    }

    private static AmqpUrl parseOne(String url, String setting) {
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

    /**
     * Another address of the same cluster: {@code host:port}, {@code host} (the scheme's port), or a full URL that
     * differs from the first in host and port only: one client logs in to every node alike.
     */
    private Address sameNode(String entry, String setting) {
        if (entry.contains("://")) {
            AmqpUrl other = parseOne(entry, setting);
            if (!other.withoutHostAndPort().equals(withoutHostAndPort())) {
                throw new UsageException("invalid " + setting + ": '" + other.masked() + "' differs from the first URL"
                        + " '" + masked() + "' in more than host and port; the addresses of one cluster share the"
                        + " scheme, user, password and virtual host (write them as host:port after the first URL)");
            }
            return other.addresses().get(0);
        }
        if (!entry.matches("[A-Za-z0-9.\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?")) {
            throw new UsageException("invalid " + setting + ": '" + entry + "' after the first URL: expected host:port"
                    + " (e.g. " + masked() + ",node2:5672,node3:5672)");
        }
        Address address = Address.parseAddress(entry);
        return address.getPort() == -1 ? new Address(address.getHost(), defaultPort()) : address;
    }

    private String withoutHostAndPort() {
        return url.replaceFirst("^([a-z]+://([^@/]*@)?)[^/]*", "$1");
    }

    private int defaultPort() {
        return secure() ? ConnectionFactory.DEFAULT_AMQP_OVER_SSL_PORT : ConnectionFactory.DEFAULT_AMQP_PORT;
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

    /** The URL (and the addresses after it) with the password replaced by ****, fit for logs and error messages. */
    public String masked() {
        return url.replaceFirst("(://[^:/@]*):[^@/]*@", "$1:****@")
                + more.stream().map(a -> "," + text(a)).collect(Collectors.joining());
    }

    /** host:port of the first URL, for messages. */
    public String address() {
        try {
            URI uri = new URI(url);
            return uri.getHost() + ":" + (uri.getPort() != -1 ? uri.getPort() : defaultPort());
        } catch (URISyntaxException e) {
            return masked();
        }
    }

    /** Every address to connect to, the first URL's first. */
    public List<Address> addresses() {
        List<Address> all = new ArrayList<>();
        all.add(Address.parseAddress(address())); // an IPv6 host comes in brackets, as parseAddress wants it
        all.addAll(more);
        return all;
    }

    /** For messages: "host:port", or "any of host1:port1, host2:port2" for a list. */
    public String where() {
        return more.isEmpty() ? address()
                : "any of " + addresses().stream().map(AmqpUrl::text).collect(Collectors.joining(", "));
    }

    /** host:port of an address (the client's Address.toString has no port when it is the default). */
    public static String text(Address address) {
        String host = address.getHost();
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + address.getPort();
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
