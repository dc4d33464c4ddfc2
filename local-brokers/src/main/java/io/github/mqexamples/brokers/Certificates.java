package io.github.mqexamples.brokers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority and the certificates signed by it, made with the JDK's own {@code keytool} (no
 * network, no other tool), as PEM files that RabbitMQ, Kafka and the programs read:
 * <ul>
 *   <li>{@code ca.pem}: the CA, what a client trusts ({@code --tls-ca-file}, {@code ssl.truststore.location});</li>
 *   <li>{@code server.pem} and {@code server.key}: the brokers' certificate, for {@code localhost} and
 *       {@code 127.0.0.1}, and its key;</li>
 *   <li>{@code client.pem} and {@code client.key}: a client certificate (CN {@code mq-examples-client}), for mutual
 *       TLS;</li>
 *   <li>{@code other-ca.pem} and {@code wrong-host.pem} / {@code wrong-host.key}: a CA nobody trusts, and a
 *       certificate of our CA for another host name: what the tests of the failures need.</li>
 * </ul>
 * Keys are unencrypted PKCS#8 (they protect nothing but a test). Made once per directory; valid 30 days.
 */
public final class Certificates {

    static final String PASSWORD = "changeit"; // of the intermediate PKCS#12 files only
    public static final String CLIENT_NAME = "mq-examples-client";

    private final Path dir;

    private Certificates(Path dir) {
        this.dir = dir;
    }

    /** The certificates in {@code dir}, made there first if they are not yet (a few seconds: several keytool runs). */
    public static synchronized Certificates in(Path dir) {
        Certificates c = new Certificates(dir);
        if (!Files.exists(c.clientKey())) {
            try {
                Files.createDirectories(dir);
                c.make();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot read the certificates keytool made in " + dir + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return c;
    }

    public Path ca() {
        return dir.resolve("ca.pem");
    }

    public Path serverCert() {
        return dir.resolve("server.pem");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    public Path clientCert() {
        return dir.resolve("client.pem");
    }

    public Path clientKey() {
        return dir.resolve("client.key");
    }

    /** A CA that signed nothing here: trusting it instead of ours makes the handshake fail. */
    public Path otherCa() {
        return dir.resolve("other-ca.pem");
    }

    /** Signed by our CA, for the host name {@code wrong.example} only: a host-name mismatch on localhost. */
    public Path wrongHostCert() {
        return dir.resolve("wrong-host.pem");
    }

    public Path wrongHostKey() {
        return dir.resolve("wrong-host.key");
    }

    private void make() throws IOException, InterruptedException, GeneralSecurityException {
        authority("ca", "CN=mq-examples test CA");
        authority("other-ca", "CN=mq-examples untrusted CA");
        signed("server", "CN=localhost", "san=dns:localhost,ip:127.0.0.1", "serverAuth");
        signed("wrong-host", "CN=wrong.example", "san=dns:wrong.example", "serverAuth");
        signed("client", "CN=" + CLIENT_NAME, null, "clientAuth");
        for (String name : List.of("ca", "other-ca")) {
            Files.writeString(dir.resolve(name + ".pem"), pem("CERTIFICATE", load(name).getCertificate(name).getEncoded()));
        }
        for (String name : List.of("server", "wrong-host", "client")) {
            KeyStore store = load(name);
            Key key = store.getKey(name, PASSWORD.toCharArray());
            // The certificate, then the CA's: a chain the other side can check against ca.pem.
            StringBuilder chain = new StringBuilder();
            for (Certificate c : store.getCertificateChain(name)) {
                chain.append(pem("CERTIFICATE", c.getEncoded()));
            }
            Files.writeString(dir.resolve(name + ".pem"), chain);
            Files.writeString(dir.resolve(name + ".key"), pem("PRIVATE KEY", key.getEncoded())); // PKCS#8
        }
    }

    /** A self-signed CA in {@code <name>.p12}. */
    private void authority(String name, String dname) throws IOException, InterruptedException {
        keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-dname", dname,
                "-ext", "bc:c", "-validity", "30", "-keystore", p12(name));
    }

    /** A key pair in {@code <name>.p12} whose certificate the CA signs; the store then holds the chain. */
    private void signed(String name, String dname, String san, String usage) throws IOException, InterruptedException {
        keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-dname", dname,
                "-validity", "30", "-keystore", p12(name));
        String csr = dir.resolve(name + ".csr").toString();
        String crt = dir.resolve(name + ".crt").toString();
        keytool("-certreq", "-alias", name, "-keystore", p12(name), "-file", csr);
        List<String> sign = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", p12("ca"),
                "-infile", csr, "-outfile", crt, "-rfc", "-validity", "30", "-ext", "eku=" + usage));
        if (san != null) {
            sign.addAll(List.of("-ext", san));
        }
        keytool(sign.toArray(String[]::new));
        // The CA first (so the reply's chain can be built), then the signed certificate replaces the self-signed one.
        keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", p12(name), "-file", crtOf("ca"));
        keytool("-importcert", "-alias", name, "-keystore", p12(name), "-file", crt);
    }

    private String crtOf(String authority) throws IOException, InterruptedException {
        Path crt = dir.resolve(authority + ".crt");
        if (!Files.exists(crt)) {
            keytool("-exportcert", "-rfc", "-alias", authority, "-keystore", p12(authority), "-file", crt.toString());
        }
        return crt.toString();
    }

    private String p12(String name) {
        return dir.resolve(name + ".p12").toString();
    }

    private KeyStore load(String name) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            return store;
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        // keytool COMMAND OPTIONS...: the command (-genkeypair, ...) comes first.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString(), args[0], "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", // a short-lived JVM
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
        command.addAll(List.of(args).subList(1, args.length));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }
}
