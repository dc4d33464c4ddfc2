package io.github.mqexamples.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mqexamples.common.Settings;
import io.github.mqexamples.common.UsageException;
import io.github.mqexamples.common.Values;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientConfigTest {

    static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"bob\""
            + " password=\"s3cret, with; spaces\";";

    static Values flags(Map<String, String> env, String... args) {
        return KafkaClientConfig.addTo(new Settings("demo", "demo")).parse(args, env);
    }

    static KafkaClientConfig config(String... args) {
        return KafkaClientConfig.from(flags(Map.of(), args), null);
    }

    @Test
    void nothingGivenIsNone() {
        assertSame(KafkaClientConfig.NONE, config());
        assertEquals("PLAINTEXT", config().securityProtocol());
    }

    @Test
    void aPropertyWinsOverTheFileAndIsKeptWholeWithCommasAndSpaces(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("client.properties"),
                "security.protocol=SSL\nsasl.mechanism=SCRAM-SHA-512\n");
        KafkaClientConfig c = config("--client-config", file.toString(), "--client-property", "security.protocol=SASL_SSL",
                "--client-property", "sasl.jaas.config=" + JAAS);
        assertEquals("SASL_SSL", c.securityProtocol());
        assertEquals(JAAS, c.get("sasl.jaas.config"));
        assertEquals("bob", c.user());
        assertEquals("client settings from " + file + " and --client-property: sasl.mechanism=SCRAM-SHA-512"
                + " security.protocol=SASL_SSL sasl.jaas.config=****", c.describe());
    }

    @Test
    void theEnvironmentVariableNamesTheFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("c.properties"), "security.protocol=SSL\n");
        assertEquals("SSL", KafkaClientConfig.from(flags(Map.of("KAFKA_CLIENT_CONFIG", file.toString())), null)
                .securityProtocol());
    }

    @Test
    void theProgramsOwnSettingsWinAndEachClientGetsOnlyTheKeysItKnows() {
        KafkaClientConfig c = config("--client-property", "acks=0", "--client-property", "linger.ms=50",
                "--client-property", "security.protocol=SASL_SSL");
        Properties own = new Properties();
        own.put("acks", "all");
        Properties producer = c.applyTo(own, KafkaClientConfig.Client.PRODUCER);
        assertEquals("all", producer.get("acks"));
        assertEquals("50", producer.get("linger.ms"));
        assertEquals("SASL_SSL", producer.get("security.protocol"));
        Properties admin = c.applyTo(new Properties(), KafkaClientConfig.Client.ADMIN);
        assertFalse(admin.containsKey("linger.ms"), "an Admin does not know linger.ms");
        assertEquals("SASL_SSL", admin.get("security.protocol"));
    }

    @Test
    void secretsAreMaskedAndRedacted() {
        for (String key : new String[] {"sasl.jaas.config", "ssl.keystore.password", "ssl.key.password",
                "ssl.keystore.key", "sasl.oauthbearer.client.credentials.client.secret"}) {
            assertTrue(KafkaClientConfig.isSecret(key), key);
        }
        assertFalse(KafkaClientConfig.isSecret("ssl.truststore.location"));
        KafkaClientConfig c = config("--client-property", "sasl.jaas.config=" + JAAS);
        assertEquals("the config was " + "****" + " then", c.redact("the config was " + JAAS + " then"));
    }

    @Test
    void wrongInputIsAUsageErrorThatEchoesNoSecret(@TempDir Path dir) {
        assertEquals("cannot read --client-config: " + dir.resolve("none") + " does not exist", assertThrows(
                UsageException.class, () -> config("--client-config", dir.resolve("none").toString())).getMessage());
        assertEquals("invalid --client-property (the 2nd one): expected KEY=VALUE", assertThrows(UsageException.class,
                () -> config("--client-property", "acks=all", "--client-property", "password:hunter2")).getMessage());
        assertEquals("unknown Kafka client setting 'securty.protocol' in --client-property (a producer, consumer or"
                + " admin client setting such as security.protocol)", assertThrows(UsageException.class,
                () -> config("--client-property", "securty.protocol=SSL")).getMessage());
    }

    @Test
    void noUserWithoutSasl() {
        assertNull(config("--client-property", "security.protocol=SSL").user());
    }
}
