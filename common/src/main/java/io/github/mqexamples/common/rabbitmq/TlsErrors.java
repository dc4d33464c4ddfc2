package io.github.mqexamples.common.rabbitmq;

import io.github.mqexamples.common.BrokerException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Why a connection failed where TLS, or the lack of it, is the reason: one line for a person, naming what to change.
 * The broker answered in each case, so none of these says "check that the broker is running".
 *
 * <p>A client speaking TLS to a plain port (or plain AMQP to a TLS port) only sees bytes it cannot parse. To tell
 * "wrong scheme" from "not a broker at all", a second short connection asks the port the other way round; this
 * happens on the failure path only.
 */
final class TlsErrors {

    private static final int PROBE_TIMEOUT_MS = 2_000;
    private static final byte[] AMQP_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

    private TlsErrors() {
    }

    static BrokerException explain(AmqpUrl url, Exception e, SSLException tls) {
        String where = "RabbitMQ at " + url.address();
        String reason = tls.getMessage();
        if (RabbitMqConnections.cause(e, CertPathBuilderException.class) != null
                || RabbitMqConnections.cause(e, CertPathValidatorException.class) != null) {
            return new BrokerException("the TLS certificate of " + where + " is not trusted: nothing in "
                    + url.tls().trusted() + " vouches for it (" + firstClause(reason) + "). --tls-ca-file /"
                    + " RABBITMQ_TLS_CA_FILE fixes it: give the CA certificate (PEM) that signed the broker's.", e);
        }
        CertificateException certificate = RabbitMqConnections.cause(e, CertificateException.class);
        if (certificate != null && certificate.getMessage() != null
                && certificate.getMessage().startsWith("No ")) {
            // The JDK's host-name check: "No subject alternative DNS name matching localhost found."
            return new BrokerException("the TLS certificate of " + where + " is not for host '" + host(url) + "' ("
                    + certificate.getMessage().replaceFirst("\\.$", "") + "): connect with a host name the"
                    + " certificate names, or give the broker a certificate for this one.", e);
        }
        if (reason != null && reason.contains("certificate_required")
                || !url.tls().clientCertificate() && reason != null && reason.contains("handshake_failure")) {
            return new BrokerException(where + " requires a client certificate and none was sent (" + reason
                    + "): give one with --tls-cert-file and --tls-key-file (RABBITMQ_TLS_CERT_FILE,"
                    + " RABBITMQ_TLS_KEY_FILE).", e);
        }
        if (url.tls().clientCertificate() && reason != null && reason.contains("Received fatal alert")
                && (reason.contains("unknown_ca") || reason.contains("bad_certificate")
                        || reason.contains("certificate_unknown") || reason.contains("handshake_failure"))) {
            return new BrokerException(where + " refused the client certificate of --tls-cert-file (" + reason
                    + "): the broker trusts only certificates signed by its own CA (ssl_options.cacertfile).", e);
        }
        if (cause(e, SSLHandshakeException.class) == null || reason != null && reason.contains("unrecognized")) {
            if (speaksAmqp(url)) {
                return new BrokerException(where + " speaks plain AMQP on that port, not TLS (" + reason + "): use"
                        + " amqp:// for this port, or amqps:// with the broker's TLS port (5671 by default).", e);
            }
            return new BrokerException("something answered at " + url.address() + " but it speaks neither TLS nor"
                    + " AMQP (" + reason + "): check the port in --url / RABBITMQ_URL (now " + url.masked() + ").", e);
        }
        return new BrokerException("the TLS handshake with " + where + " failed: " + reason + ".", e);
    }

    /** Something answered in plain TCP, but not in AMQP: a TLS port (then say amqps://), or another service. */
    static BrokerException notAmqp(AmqpUrl url, String detail, Exception e) {
        if (!url.secure() && speaksTls(url)) {
            return new BrokerException(url.address() + " speaks TLS, and --url says amqp://: use amqps://"
                    + url.address() + "/ (with --tls-ca-file if a private CA signed its certificate).", e);
        }
        return new BrokerException("something answered at " + url.address() + " but it does not speak AMQP ("
                + detail + "): check the port in --url / RABBITMQ_URL (now " + url.masked() + "); RabbitMQ listens"
                + " on 5672 by default (5671 with TLS).", e);
    }

    /** "PKIX path building failed: sun.security...: unable to find..." without the JDK's class names. */
    private static String firstClause(String message) {
        return message == null ? "" : message.replaceFirst(":.*", "");
    }

    private static String host(AmqpUrl url) {
        try {
            return new URI(url.url()).getHost();
        } catch (Exception ex) {
            return url.address();
        }
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        return RabbitMqConnections.cause(e, type);
    }

    private static InetSocketAddress address(AmqpUrl url) {
        String address = url.address();
        int colon = address.lastIndexOf(':');
        return new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
    }

    /** Does the port answer the AMQP protocol header with a frame (or with its own header, a version mismatch)? */
    static boolean speaksAmqp(AmqpUrl url) {
        try (Socket socket = new Socket()) {
            socket.connect(address(url), PROBE_TIMEOUT_MS);
            socket.setSoTimeout(PROBE_TIMEOUT_MS);
            socket.getOutputStream().write(AMQP_HEADER);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            int first = in.read();
            // A broker answers a header it accepts with connection.start, a method frame (type 1), and one it does
            // not with its own header, "AMQP".
            return first == 1 || first == 'A' && new String(in.readNBytes(3), StandardCharsets.US_ASCII).equals("MQP");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The alert the server sends right after a handshake with this URL's TLS settings ("Received fatal alert:
     * certificate_required"), read without writing anything first; null if none comes. The server's close can still
     * overtake its alert, so TLS 1.3 is asked twice, then TLS 1.2, where the refusal is part of the handshake itself
     * (nothing is sent on this connection, so the older version costs no security).
     */
    static String alertAfterHandshake(AmqpUrl url) {
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.3", "TLSv1.2"}) {
            String alert = alertAfterHandshake(url, protocol);
            if (alert != null) {
                return alert;
            }
        }
        return null;
    }

    private static String alertAfterHandshake(AmqpUrl url, String protocol) {
        InetSocketAddress a = address(url);
        try (Socket plain = new Socket()) {
            plain.connect(a, PROBE_TIMEOUT_MS);
            plain.setSoTimeout(PROBE_TIMEOUT_MS);
            try (SSLSocket socket = (SSLSocket) url.tls().context().getSocketFactory().createSocket(plain,
                    a.getHostString(), a.getPort(), false)) {
                javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                parameters.setProtocols(new String[] {protocol});
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                socket.getInputStream().read();
                return null;
            }
        } catch (SSLException e) {
            return e.getMessage() != null && e.getMessage().startsWith("Received fatal alert") ? e.getMessage() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Does the port speak TLS? A handshake that gets as far as the server's certificate says so, whether or not that
     * certificate is trusted: nothing is sent over this connection.
     */
    static boolean speaksTls(AmqpUrl url) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init((KeyStore) null);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            try (Socket plain = new Socket()) {
                plain.connect(address(url), PROBE_TIMEOUT_MS);
                plain.setSoTimeout(PROBE_TIMEOUT_MS);
                InetSocketAddress a = address(url);
                try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, a.getHostString(),
                        a.getPort(), false)) {
                    socket.startHandshake();
                    return true;
                }
            }
        } catch (SSLHandshakeException e) {
            return cause(e, CertificateException.class) != null || cause(e, CertPathBuilderException.class) != null
                    || cause(e, CertPathValidatorException.class) != null
                    || e.getMessage() != null && e.getMessage().startsWith("Received fatal alert");
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
