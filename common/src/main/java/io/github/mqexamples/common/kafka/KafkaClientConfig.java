package io.github.mqexamples.common.kafka;

import io.github.mqexamples.common.Settings;
import io.github.mqexamples.common.UsageException;
import io.github.mqexamples.common.Values;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;

/**
 * The client settings a person gives the Kafka programs for their cluster, as Kafka's own tools take them
 * ({@code --command-config}, {@code --producer.config}, {@code --producer-property}): {@code --client-config FILE},
 * a Java properties file, and {@code --client-property KEY=VALUE}, repeatable, which wins over the file. They go to
 * every client a program makes (producer, consumers, every Admin), each getting the keys its kind knows.
 *
 * <p>The program's own settings win over both: acks, idempotence, offsets committed by hand, serializers, the
 * bootstrap servers and the timeouts are what its promises rest on, and each has a flag of its own. A key given here
 * that the program sets is ignored with a warning. What this is for: security.protocol, sasl.*, ssl.*, and the
 * like. Values of secret keys ({@link #isSecret}) are never printed.
 */
public final class KafkaClientConfig {

    /** Which client a set of properties is for: each kind is given only the keys it knows (no "unknown config"). */
    public enum Client {
        PRODUCER(ProducerConfig.configNames()),
        CONSUMER(ConsumerConfig.configNames()),
        ADMIN(AdminClientConfig.configNames());

        private final Set<String> known;

        Client(Set<String> known) {
            this.known = known;
        }
    }

    public static final String FILE_FLAG = "client-config";
    public static final String PROPERTY_FLAG = "client-property";

    /** No settings beyond the program's own: PLAINTEXT, no login. */
    public static final KafkaClientConfig NONE = new KafkaClientConfig(null, Map.of(), false, null);

    private static final Pattern JAAS_USER = Pattern.compile("username\\s*=\\s*\"([^\"]*)\"");

    private final Path file;
    private final Map<String, String> settings;
    private final boolean properties; // some came from --client-property
    private final Logger log;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private KafkaClientConfig(Path file, Map<String, String> settings, boolean properties, Logger log) {
        this.file = file;
        this.settings = settings;
        this.properties = properties;
        this.log = log;
    }

    /** Adds {@code --client-config} and {@code --client-property} to a Kafka program's settings. */
    public static Settings addTo(Settings settings) {
        return settings
                .add(FILE_FLAG, "KAFKA_CLIENT_CONFIG", null, "Java properties file of client settings (security.protocol,"
                        + " sasl.*, ssl.*) for every client the program makes, as Kafka's tools take --command-config")
                .add(PROPERTY_FLAG, null, null, "KEY=VALUE: one client setting, over --client-config; repeat the"
                        + " flag for more");
    }

    /** What {@code --client-config} and {@code --client-property} say; {@code log} hears of keys the program overrides. */
    public static KafkaClientConfig from(Values v, Logger log) {
        Map<String, String> settings = new LinkedHashMap<>();
        Path file = v.optional(FILE_FLAG).filter(f -> !f.isBlank()).map(Path::of).orElse(null);
        if (file == null && v.given(PROPERTY_FLAG).isEmpty()) {
            return NONE;
        }
        if (file != null) {
            settings.putAll(load(file, v.source(FILE_FLAG)));
        }
        List<String> given = v.given(PROPERTY_FLAG);
        for (int i = 0; i < given.size(); i++) {
            String pair = given.get(i);
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                // The text is not shown: it may be a password given with the wrong separator.
                throw new UsageException("invalid --" + PROPERTY_FLAG + " (the " + ordinal(i + 1) + " one): expected"
                        + " KEY=VALUE");
            }
            settings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        for (String key : settings.keySet()) {
            if (List.of(Client.values()).stream().noneMatch(c -> c.known.contains(key))) {
                throw new UsageException("unknown Kafka client setting '" + key + "' in " + (file != null
                        ? "--" + FILE_FLAG + " " + file + " or " : "") + "--" + PROPERTY_FLAG + " (a producer,"
                        + " consumer or admin client setting such as security.protocol)");
            }
        }
        return new KafkaClientConfig(file, Collections.unmodifiableMap(settings), !given.isEmpty(), log); // as given
    }

    /** Settings given in code (tests, benchmarks): as if given with --client-property. */
    public static KafkaClientConfig of(Map<String, String> settings) {
        return new KafkaClientConfig(null, Collections.unmodifiableMap(new LinkedHashMap<>(settings)), true, null);
    }

    private static Map<String, String> load(Path file, String source) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            throw new UsageException("cannot read " + source + ": " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("cannot read " + source + ": " + file + " (" + e.getMessage() + ")");
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> out.put(k.trim(), p.getProperty(k).trim()));
        return out;
    }

    /**
     * {@code own}, the program's properties for one client, over these settings (those the kind of client knows).
     * A key both set to different values keeps the program's value, and is warned about once.
     */
    public Properties applyTo(Properties own, Client client) {
        Properties merged = new Properties();
        settings.forEach((k, v) -> {
            if (client.known.contains(k)) {
                merged.put(k, v);
            }
        });
        for (String key : keysOf(own)) {
            Object mine = own.get(key);
            String theirs = settings.get(key);
            if (theirs != null && !theirs.equals(String.valueOf(mine)) && log != null && warned.add(key)) {
                log.warn("{}={} from --{} / --{} is not used: the program sets {} itself", key, shown(key, theirs),
                        FILE_FLAG, PROPERTY_FLAG, key);
            }
            merged.put(key, mine);
        }
        return merged;
    }

    /** As {@link #applyTo(Properties, Client)}, for the Map the Admin clients are built from. */
    public Map<String, Object> applyTo(Map<String, Object> own, Client client) {
        Properties p = new Properties();
        p.putAll(own);
        Map<String, Object> out = new LinkedHashMap<>();
        applyTo(p, client).forEach((k, v) -> out.put((String) k, v));
        return out;
    }

    private static Set<String> keysOf(Properties p) {
        return p.keySet().stream().map(String::valueOf).collect(Collectors.toSet());
    }

    /** True for keys whose values are secrets: a JAAS configuration (it holds the password), passwords, keys. */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.endsWith("sasl.jaas.config") || k.contains("password") || k.contains("secret")
                || k.endsWith(".key") || k.endsWith("keystore.key") || k.contains("token");
    }

    /** The value as it may be printed: **** for a secret. */
    public static String shown(String key, String value) {
        return isSecret(key) ? "****" : value;
    }

    /** {@code text} with the value of every secret setting replaced by ****: for a message that may quote one. */
    public String redact(String text) {
        String out = text;
        for (var e : settings.entrySet()) {
            if (isSecret(e.getKey()) && !e.getValue().isEmpty()) {
                out = out.replace(e.getValue(), "****");
            }
        }
        return out;
    }

    /** False when nothing was given: the programs then say nothing about it. */
    public boolean isEmpty() {
        return settings.isEmpty();
    }

    /**
     * One line for the log: where the settings come from and what they are, secrets as ****, e.g.
     * {@code client settings from client.properties: sasl.jaas.config=**** sasl.mechanism=SCRAM-SHA-512 ...}.
     */
    public String describe() {
        String where = file == null ? "from --" + PROPERTY_FLAG
                : "from " + file + (properties ? " and --" + PROPERTY_FLAG : "");
        return "client settings " + where + ": " + settings.entrySet().stream()
                .map(e -> e.getKey() + "=" + shown(e.getKey(), e.getValue())).collect(Collectors.joining(" "));
    }

    /** security.protocol as the clients will use it: PLAINTEXT unless given. */
    public String securityProtocol() {
        return settings.getOrDefault("security.protocol", "PLAINTEXT").toUpperCase(Locale.ROOT);
    }

    /** The SASL user name in sasl.jaas.config, or null (no SASL, or a login module without a user name). */
    public String user() {
        String jaas = settings.get("sasl.jaas.config");
        if (jaas == null) {
            return null;
        }
        Matcher m = JAAS_USER.matcher(jaas);
        return m.find() ? m.group(1) : null;
    }

    /** A setting as given, or null. */
    public String get(String key) {
        return settings.get(key);
    }

    /** Where the settings were read from, or null (none, or only --client-property). */
    public Path file() {
        return file;
    }

    private static String ordinal(int n) {
        return n + (n % 100 >= 11 && n % 100 <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        });
    }
}
