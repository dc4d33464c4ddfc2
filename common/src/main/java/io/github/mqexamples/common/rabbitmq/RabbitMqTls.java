package io.github.mqexamples.common.rabbitmq;

import io.github.mqexamples.common.UsageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What an {@code amqps://} connection trusts and presents, from PEM files (the format RabbitMQ itself and most
 * certificate tools write), read with the JDK alone. The broker's certificate is always checked, against
 * {@code --tls-ca-file} or else the JVM's default trust store, and so is its host name: there is deliberately no
 * way to trust any certificate, which would make TLS worthless against anyone in the middle.
 */
public final class RabbitMqTls {

    static final String CA_FLAG = "--tls-ca-file / RABBITMQ_TLS_CA_FILE";
    static final String CERT_FLAG = "--tls-cert-file / RABBITMQ_TLS_CERT_FILE";
    static final String KEY_FLAG = "--tls-key-file / RABBITMQ_TLS_KEY_FILE";

    /** The JVM's default trust store, no client certificate. */
    public static final RabbitMqTls DEFAULT = new RabbitMqTls(null, null, null);

    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private final Path caFile;
    private final Path certFile;
    private final Path keyFile;
    private final SSLContext context;
    private final boolean external;

    private RabbitMqTls(Path caFile, Path certFile, Path keyFile) {
        this(caFile, certFile, keyFile, null, false);
    }

    private RabbitMqTls(Path caFile, Path certFile, Path keyFile, SSLContext context, boolean external) {
        this.caFile = caFile;
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.context = context;
        this.external = external;
    }

    /**
     * As {@link #of(Path, Path, Path)}; with {@code external}, the broker logs the client in by its certificate (SASL
     * EXTERNAL) instead of by the user name and password of the URL, so a certificate is required.
     */
    public static RabbitMqTls of(Path caFile, Path certFile, Path keyFile, boolean external) {
        if (external && certFile == null) {
            throw new UsageException("--auth-mechanism external logs in with the client certificate: it needs "
                    + CERT_FLAG + " and " + KEY_FLAG);
        }
        RabbitMqTls tls = of(caFile, certFile, keyFile);
        return external ? new RabbitMqTls(tls.caFile, tls.certFile, tls.keyFile, tls.context, true) : tls;
    }

    /**
     * Reads the files now, so that a missing or malformed one is a wrong setting (named, exit 2) before any connection
     * is tried. Any argument may be null; a certificate needs its key and a key its certificate.
     */
    public static RabbitMqTls of(Path caFile, Path certFile, Path keyFile) {
        if (caFile == null && certFile == null && keyFile == null) {
            return DEFAULT;
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new UsageException(certFile == null
                    ? KEY_FLAG + " needs " + CERT_FLAG + ": the client certificate that goes with the key"
                    : CERT_FLAG + " needs " + KEY_FLAG + ": the private key of the client certificate");
        }
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caFile == null) {
                trust.init((KeyStore) null);
            } else {
                KeyStore cas = emptyStore();
                int i = 0;
                for (Certificate ca : certificates(caFile, CA_FLAG)) {
                    cas.setCertificateEntry("ca-" + i++, ca);
                }
                trust.init(cas);
            }
            KeyManagerFactory keys = null;
            if (certFile != null) {
                Certificate[] chain = certificates(certFile, CERT_FLAG).toArray(Certificate[]::new);
                KeyStore store = emptyStore();
                store.setKeyEntry("client", privateKey(keyFile), new char[0], chain);
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, new char[0]);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return new RabbitMqTls(caFile, certFile, keyFile, context, false);
        } catch (GeneralSecurityException | IOException e) {
            throw new UsageException("cannot set up TLS from " + describe(caFile, certFile) + ": " + e.getMessage());
        }
    }

    /** The context to wrap an {@code amqps://} connection in. */
    public SSLContext context() {
        if (context == null) {
            try {
                return defaultContext();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JVM has no default TLS set-up: " + e.getMessage(), e);
            }
        }
        return context;
    }

    private static SSLContext defaultContext() throws GeneralSecurityException {
        // Not SSLContext.getDefault(): that one may also pick up a client key store from javax.net.ssl.* properties.
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init((KeyStore) null);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** True if any file was given: these only mean something with an {@code amqps://} URL. */
    public boolean configured() {
        return caFile != null || certFile != null;
    }

    public boolean clientCertificate() {
        return certFile != null;
    }

    /** Log in by the client certificate (SASL EXTERNAL), not by user name and password. */
    public boolean external() {
        return external;
    }

    /** What the broker's certificate was checked against, for messages. */
    public String trusted() {
        return caFile == null ? "the JVM's default trust store" : "--tls-ca-file " + caFile;
    }

    private static String describe(Path caFile, Path certFile) {
        return caFile != null ? CA_FLAG + " " + caFile + (certFile != null ? " and " + CERT_FLAG + " " + certFile : "")
                : CERT_FLAG + " " + certFile;
    }

    private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        return store;
    }

    private static String read(Path file, String flag) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UsageException("cannot read " + flag + " " + file + ": " + (e instanceof java.nio.file
                    .NoSuchFileException ? "no such file" : e.getMessage()));
        }
    }

    /** Every certificate in a PEM file (a chain, or several CAs). */
    static Collection<? extends Certificate> certificates(Path file, String flag) throws GeneralSecurityException {
        String pem = read(file, flag);
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new UsageException(flag + " " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        try {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (all.isEmpty()) {
                throw new UsageException(flag + " " + file + " holds no readable certificate");
            }
            return all;
        } catch (java.security.cert.CertificateException e) {
            throw new UsageException(flag + " " + file + " is not a valid PEM certificate: " + e.getMessage());
        }
    }

    /** An unencrypted PKCS#8 key, RSA or EC, as openssl and keytool write it. */
    static PrivateKey privateKey(Path file) {
        String pem = read(file, KEY_FLAG);
        Matcher m = PKCS8.matcher(pem);
        if (!m.find()) {
            String found = pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")
                    ? "a PKCS#1/SEC1 key; convert it: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8"
                    : pem.contains("BEGIN ENCRYPTED PRIVATE KEY") ? "an encrypted key; decrypt it:"
                            + " openssl pkcs8 -in KEY -out KEY.pk8" : "no private key";
            throw new UsageException(KEY_FLAG + " " + file + " holds " + found
                    + " (expected an unencrypted PKCS#8 key: -----BEGIN PRIVATE KEY-----)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(1));
        } catch (IllegalArgumentException e) {
            throw new UsageException(KEY_FLAG + " " + file + " is not valid base64: " + e.getMessage());
        }
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new UsageException(KEY_FLAG + " " + file + " is neither an RSA nor an EC private key");
    }
}
