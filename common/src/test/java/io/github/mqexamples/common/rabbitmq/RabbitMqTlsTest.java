package io.github.mqexamples.common.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.ConnectionFactory;
import io.github.mqexamples.common.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS settings without a broker: what is refused before any connection, and what amqps:// sets up. */
class RabbitMqTlsTest {

    @TempDir
    Path dir;

    @Test
    void amqpsMeansTlsOnPort5671WithTheDefaultTrustStore() throws Exception {
        ConnectionFactory f = new AmqpUrl("amqps://guest:guest@broker.example/").configure(new ConnectionFactory());
        assertTrue(f.isSSL());
        assertEquals(5671, f.getPort());
        assertEquals("broker.example", f.getHost());
        assertEquals("/", f.getVirtualHost());
        assertEquals(5674, new AmqpUrl("amqps://h:5674/").configure(new ConnectionFactory()).getPort());
        assertSame(RabbitMqTls.DEFAULT, RabbitMqTls.of(null, null, null));
        assertEquals("the JVM's default trust store", RabbitMqTls.DEFAULT.trusted());
    }

    @Test
    void aCertificateNeedsItsKeyAndAKeyItsCertificate() {
        Path file = dir.resolve("any.pem");
        assertEquals("--tls-cert-file / RABBITMQ_TLS_CERT_FILE needs --tls-key-file / RABBITMQ_TLS_KEY_FILE: the private"
                + " key of the client certificate", assertThrows(UsageException.class,
                        () -> RabbitMqTls.of(null, file, null)).getMessage());
        assertEquals("--tls-key-file / RABBITMQ_TLS_KEY_FILE needs --tls-cert-file / RABBITMQ_TLS_CERT_FILE: the client"
                + " certificate that goes with the key", assertThrows(UsageException.class,
                        () -> RabbitMqTls.of(null, null, file)).getMessage());
    }

    @Test
    void unreadableOrWrongFilesAreNamedWithTheirSetting() throws Exception {
        Path missing = dir.resolve("missing.pem");
        assertEquals("cannot read --tls-ca-file / RABBITMQ_TLS_CA_FILE " + missing + ": no such file",
                assertThrows(UsageException.class, () -> RabbitMqTls.of(missing, null, null)).getMessage());
        Path text = Files.writeString(dir.resolve("text.pem"), "hello\n");
        assertEquals("--tls-ca-file / RABBITMQ_TLS_CA_FILE " + text + " holds no PEM certificate (-----BEGIN"
                + " CERTIFICATE-----)", assertThrows(UsageException.class,
                        () -> RabbitMqTls.of(text, null, null)).getMessage());
        Path broken = Files.writeString(dir.resolve("broken.pem"),
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertTrue(assertThrows(UsageException.class, () -> RabbitMqTls.of(broken, null, null)).getMessage()
                .startsWith("--tls-ca-file / RABBITMQ_TLS_CA_FILE " + broken + " is not a valid PEM certificate"));
        Path pkcs1 = Files.writeString(dir.resolve("rsa.key"),
                "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertEquals("--tls-key-file / RABBITMQ_TLS_KEY_FILE " + pkcs1 + " holds a PKCS#1/SEC1 key; convert it: openssl"
                + " pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8 (expected an unencrypted PKCS#8 key: -----BEGIN PRIVATE"
                + " KEY-----)", assertThrows(UsageException.class, () -> RabbitMqTls.privateKey(pkcs1)).getMessage());
        Path garbage = Files.writeString(dir.resolve("garbage.key"),
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertEquals("--tls-key-file / RABBITMQ_TLS_KEY_FILE " + garbage + " is neither an RSA nor an EC private key",
                assertThrows(UsageException.class, () -> RabbitMqTls.privateKey(garbage)).getMessage());
    }

    @Test
    void aCaFileIsTrustedAndNeedsAnAmqpsUrl() throws Exception {
        Path ca = selfSignedPem("ca");
        RabbitMqTls tls = RabbitMqTls.of(ca, null, null);
        assertEquals("--tls-ca-file " + ca, tls.trusted());
        assertTrue(tls.context().getProtocol().startsWith("TLS"));
        assertTrue(new AmqpUrl("amqps://h/").withTls(tls, "--url").configure(new ConnectionFactory()).isSSL());
        assertEquals("the TLS settings (--tls-ca-file / RABBITMQ_TLS_CA_FILE, --tls-cert-file / RABBITMQ_TLS_CERT_FILE)"
                + " need an amqps:// URL, but --url is 'amqp://u:****@h/'", assertThrows(UsageException.class,
                        () -> new AmqpUrl("amqp://u:secret@h/").withTls(tls, "--url")).getMessage());
    }

    /** A self-signed certificate as PEM, made with the JDK's keytool. */
    private Path selfSignedPem(String name) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        String store = dir.resolve(name + ".p12").toString();
        Path pem = dir.resolve(name + ".pem");
        for (String[] command : new String[][] {
                {keytool, "-genkeypair", "-alias", name, "-keyalg", "EC", "-dname", "CN=" + name, "-validity", "1",
                        "-storetype", "PKCS12", "-keystore", store, "-storepass", "changeit"},
                {keytool, "-exportcert", "-rfc", "-alias", name, "-keystore", store, "-storepass", "changeit",
                        "-file", pem.toString()}}) {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
        }
        return pem;
    }
}
