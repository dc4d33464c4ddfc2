package io.github.mqexamples.common.kafka;

import io.github.mqexamples.common.BrokerException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;

/** One-line explanations of the Kafka failures a person can fix. */
public final class KafkaErrors {

    /**
     * How long a program waits for the first answer from the cluster. The Kafka clients retry an unreachable
     * broker quietly forever; the programs ask once, up front, and say so clearly instead.
     */
    public static final Duration FIRST_CONTACT_TIMEOUT = Duration.ofSeconds(8);

    private static final String CHECK_ADDRESS = " the host and port in --bootstrap-servers / KAFKA_BOOTSTRAP_SERVERS";

    private KafkaErrors() {
    }

    /** No answer from {@code bootstrapServers} in time, for a PLAINTEXT client. */
    public static BrokerException unreachable(String bootstrapServers, Throwable cause) {
        return unreachable(bootstrapServers, KafkaClientConfig.NONE, cause);
    }

    /**
     * No Kafka answer from {@code bootstrapServers} in time. The client only says "timed out"; a request of our own
     * ({@link KafkaProbe}) tells the cases apart: no such host, nothing listening (the broker is down, or the wrong
     * port), a listener that speaks TLS or does not (and this client the other), or something that is not Kafka.
     */
    public static BrokerException unreachable(String bootstrapServers, KafkaClientConfig client, Throwable cause) {
        String seconds = FIRST_CONTACT_TIMEOUT.toSeconds() + " s";
        boolean tls = client.securityProtocol().endsWith("SSL");
        for (String server : bootstrapServers.split(",")) {
            String address = server.trim();
            String noAnswer = "no Kafka answer at " + address + " within " + seconds + ": ";
            switch (KafkaProbe.probe(address, 2_000)) {
                case UNKNOWN_HOST:
                    return unknownHost(address, cause);
                case TLS:
                    if (!tls) {
                        return tlsListener(address, client, cause);
                    }
                    break; // the client speaks TLS too: nothing to tell
                case KAFKA_WITHOUT_TLS:
                    if (tls) {
                        return new BrokerException(noAnswer + "it is a Kafka listener without TLS, and this client"
                                + " speaks " + client.securityProtocol() + " (security.protocol in --client-config):"
                                + " use the broker's " + client.securityProtocol() + " port, or PLAINTEXT here.", cause);
                    }
                    break; // it answered us: a slow or overloaded broker, the generic line below
                case HTTP:
                    return notKafka(address, "an HTTP server", cause);
                case SILENT_OR_OTHER:
                    return new BrokerException(noAnswer + "it accepts connections but does not answer as Kafka does"
                            + " (this client speaks " + client.securityProtocol() + "): is it Kafka, and a "
                            + client.securityProtocol() + " listener? Check" + CHECK_ADDRESS + ".", cause);
                default:
                    break; // nothing listening: the generic line below
            }
        }
        return new BrokerException("cannot reach Kafka at " + bootstrapServers + " (no answer within " + seconds
                + "). Check that the broker is running (docker compose up -d kafka, or the local-brokers jar),"
                + CHECK_ADDRESS + ", and that the broker's advertised.listeners name an address this machine can reach.",
                cause);
    }

    /**
     * Before a program's first client connects: a bootstrap host that does not resolve is said as such (the client's
     * words would be "Failed to create new KafkaAdminClient"), and a client without TLS is kept from a TLS or HTTP
     * port, where it would read the reply's first bytes as a length of hundreds of MB and run out of memory.
     */
    public static void checkBeforeConnecting(String bootstrapServers, KafkaClientConfig client) {
        boolean tls = client.securityProtocol().endsWith("SSL");
        String[] servers = bootstrapServers.split(",");
        int unresolved = 0;
        for (String server : servers) {
            String address = server.trim();
            KafkaProbe.Verdict verdict = tls ? (resolves(address) ? null : KafkaProbe.Verdict.UNKNOWN_HOST)
                    : KafkaProbe.probe(address, 2_000);
            if (verdict == KafkaProbe.Verdict.UNKNOWN_HOST) {
                unresolved++;
            } else if (verdict == KafkaProbe.Verdict.TLS) {
                throw tlsListener(address, client, null);
            } else if (verdict == KafkaProbe.Verdict.HTTP) {
                throw notKafka(address, "an HTTP server", null);
            }
        }
        if (unresolved == servers.length) {
            throw unknownHost(bootstrapServers, null);
        }
    }

    private static boolean resolves(String address) {
        try {
            InetAddress.getByName(address.substring(0, Math.max(0, address.lastIndexOf(':'))));
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static BrokerException tlsListener(String address, KafkaClientConfig client, Throwable cause) {
        return new BrokerException("Kafka at " + address + " is a TLS listener, and this client speaks "
                + client.securityProtocol() + ": set security.protocol=SASL_SSL (or SSL) and the sasl.* and ssl.*"
                + " settings in --client-config, or use the broker's PLAINTEXT port.", cause);
    }

    private static BrokerException notKafka(String address, String what, Throwable cause) {
        return new BrokerException("not Kafka at " + address + ": " + what + " answers there. Check" + CHECK_ADDRESS
                + ".", cause);
    }

    private static BrokerException unknownHost(String address, Throwable cause) {
        return new BrokerException("cannot reach Kafka at " + address + " (unknown host). Check" + CHECK_ADDRESS + ".",
                cause);
    }

    /**
     * Runs a program's body, turning the Kafka failures a person can fix into one line each ({@link #explain}).
     * {@code topicAction} is what the program does to its topics ("write to", "read"), for a refused permission.
     */
    public static int explaining(String bootstrapServers, KafkaClientConfig client, String topicAction,
                                 Callable<Integer> body) throws Exception {
        try {
            return body.call();
        } catch (BrokerException e) {
            throw e;
        } catch (Exception e) {
            BrokerException explained = explain(e, bootstrapServers, client, topicAction);
            throw explained != null ? explained : e;
        }
    }

    /**
     * The one line for a failure of a Kafka client, or null for one this does not know. The password is never part
     * of it: only the user name, from sasl.jaas.config.
     */
    public static BrokerException explain(Throwable failure, String bootstrapServers, KafkaClientConfig client,
                                          String topicAction) {
        if (failure instanceof BrokerException b) {
            return b;
        }
        String who = client.user() != null ? "user '" + client.user() + "'" : "this client (no SASL user)";
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SaslAuthenticationException) {
                return new BrokerException("Kafka at " + bootstrapServers + " refused the login of " + who + " ("
                        + client.get("sasl.mechanism") + "): authentication failed. Check the user name and password"
                        + " in sasl.jaas.config (--client-config), and sasl.mechanism.", failure);
            }
            if (t instanceof SslAuthenticationException) {
                return tls(t, bootstrapServers, client, failure);
            }
            if (t instanceof AuthenticationException) {
                return new BrokerException("Kafka at " + bootstrapServers + " refused the connection of " + who
                        + ": " + t.getMessage() + " Check security.protocol and sasl.mechanism in --client-config.",
                        failure);
            }
            if (t instanceof TopicAuthorizationException e) {
                return new BrokerException(who + " may not " + topicAction + " topic " + quoted(e.unauthorizedTopics())
                        + " (TOPIC_AUTHORIZATION_FAILED). Ask for an ACL, or use a topic " + who.replace("user ", "")
                        + " may use.", failure);
            }
            if (t instanceof GroupAuthorizationException e) {
                return new BrokerException(who + " may not use consumer group '" + e.groupId()
                        + "' (GROUP_AUTHORIZATION_FAILED). Ask for an ACL (READ on the group), or use --group with a"
                        + " group " + who.replace("user ", "") + " may use.", failure);
            }
            if (t instanceof ClusterAuthorizationException) {
                return new BrokerException(who + " may not do this on the cluster (CLUSTER_AUTHORIZATION_FAILED): "
                        + t.getMessage(), failure);
            }
            if (t instanceof ConfigException && String.valueOf(t.getMessage()).contains("resolvable bootstrap")) {
                return unknownHost(bootstrapServers, failure);
            }
            if (t instanceof ConfigException || t instanceof IllegalArgumentException) {
                // The client refused its settings; its words name the setting (a password's value is redacted).
                return new BrokerException("the Kafka client refused its settings: " + client.redact(
                        String.valueOf(t.getMessage())) + " Check --client-config and --client-property.", failure);
            }
            if (t instanceof org.apache.kafka.common.errors.TimeoutException
                    || t instanceof java.util.concurrent.TimeoutException) {
                return unreachable(bootstrapServers, client, failure);
            }
        }
        return null;
    }

    /** A TLS handshake that failed: which of the usual three, and the setting that fixes it. */
    private static BrokerException tls(Throwable ssl, String bootstrapServers, KafkaClientConfig client,
                                       Throwable failure) {
        String where = "Kafka at " + bootstrapServers;
        String truststore = client.get("ssl.truststore.location");
        for (Throwable t = ssl; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof CertPathBuilderException || message.contains("PKIX path")) {
                return new BrokerException("the TLS certificate of " + where + " is not trusted: it is not signed by a"
                        + " CA in " + (truststore != null ? truststore : "the JDK's default trust store")
                        + ". Set ssl.truststore.location in --client-config to the CA that signed the broker's"
                        + " certificate (ssl.truststore.type=PEM for a .pem file).", failure);
            }
            if (t instanceof CertificateException && (message.contains("No subject alternative")
                    || message.contains("No name matching"))) {
                return new BrokerException("the TLS certificate of " + where + " is not for that host name ("
                        + message + "). Connect with a name the certificate holds (--bootstrap-servers), or have the"
                        + " broker's certificate made for this name; ssl.endpoint.identification.algorithm= (empty)"
                        + " turns the check off, for tests only.", failure);
            }
            if (message.contains("Unsupported or unrecognized SSL message") || message.contains("terminated the handshake")
                    || t instanceof java.io.EOFException || t instanceof ConnectException
                    || t instanceof SocketTimeoutException) {
                return new BrokerException("the TLS handshake with " + where + " failed: the other side does not"
                        + " speak TLS (" + message + "). Is it a PLAINTEXT listener? This client speaks "
                        + client.securityProtocol() + " (security.protocol in --client-config).", failure);
            }
        }
        Throwable root = ssl;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return new BrokerException("the TLS handshake with " + where + " failed: " + root.getMessage()
                + ". Check the ssl.* settings in --client-config.", failure);
    }

    private static String quoted(java.util.Set<String> topics) {
        return topics.isEmpty() ? "(unnamed)" : "'" + String.join("', '", new java.util.TreeSet<>(topics)) + "'";
    }

    /** The cause of an ExecutionException, for {@link #explain}; anything else as it is. */
    static Throwable unwrap(Throwable t) {
        return t instanceof ExecutionException && t.getCause() != null ? t.getCause() : t;
    }

    /** True for failures no retry can fix: a login or a permission refused. */
    public static boolean isFatal(Throwable t) {
        return t instanceof AuthenticationException || t instanceof org.apache.kafka.common.errors.AuthorizationException
                || (t instanceof KafkaException && t.getCause() != null && isFatal(t.getCause()));
    }
}
