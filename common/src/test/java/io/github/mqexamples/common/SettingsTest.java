package io.github.mqexamples.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    static final Settings SETTINGS = new Settings("demo", "A demo program.")
            .add("count", "MESSAGE_COUNT", "1", "how many")
            .add("queue", "RABBITMQ_QUEUE", "hello", "queue name")
            .add("durable", "RABBITMQ_DURABLE", "true", "durable queue")
            .add("ack", "RABBITMQ_ACK", "manual", "ack mode")
            .add("delay", "RETRY_DELAY", "5s", "retry delay")
            .add("key", "KAFKA_KEY", null, "optional key");

    static Values parse(Map<String, String> env, String... args) {
        return SETTINGS.parse(args, env);
    }

    static String error(Map<String, String> env, String... args) {
        return assertThrows(UsageException.class, () -> {
            Values v = parse(env, args);
            v.integer("count", 1, Integer.MAX_VALUE);
            v.bool("durable");
            v.choice("ack", "manual", "auto");
            v.duration("delay");
            v.string("queue");
        }).getMessage();
    }

    @Test
    void defaultsApplyWhenNothingIsGiven() {
        Values v = parse(Map.of());
        assertEquals(1, v.integer("count", 1, Integer.MAX_VALUE));
        assertEquals("hello", v.string("queue"));
        assertTrue(v.bool("durable"));
        assertEquals("manual", v.choice("ack", "manual", "auto"));
        assertEquals(Duration.ofSeconds(5), v.duration("delay"));
        assertTrue(v.optional("key").isEmpty());
        assertFalse(v.helpRequested());
    }

    @Test
    void environmentOverridesDefaultsAndFlagsOverrideTheEnvironment() {
        Map<String, String> env = Map.of("MESSAGE_COUNT", "5", "RABBITMQ_QUEUE", "orders");
        assertEquals(5, parse(env).integer("count", 1, 100));
        assertEquals("orders", parse(env).string("queue"));
        assertEquals(7, parse(env, "--count", "7").integer("count", 1, 100));
        assertEquals(8, parse(env, "--count=8").integer("count", 1, 100));
    }

    @Test
    void anEmptyEnvironmentVariableCountsAsUnset() {
        assertEquals("hello", parse(Map.of("RABBITMQ_QUEUE", "")).string("queue"));
    }

    @Test
    void valuesAreParsedLeniently() {
        assertFalse(parse(Map.of(), "--durable", "no").bool("durable"));
        assertEquals("auto", parse(Map.of(), "--ack", "AUTO").choice("ack", "manual", "auto"));
        assertEquals(Duration.ofMillis(250), parse(Map.of(), "--delay", "250ms").duration("delay"));
        assertEquals(Duration.ofMinutes(2), parse(Map.of(), "--delay", "2m").duration("delay"));
        assertEquals(Duration.ofMillis(40), parse(Map.of(), "--delay", "40").duration("delay"));
    }

    @Test
    void aDurationIsShownAsItIsWritten() {
        assertEquals("5s", Values.text(Duration.ofSeconds(5)));
        assertEquals("250ms", Values.text(Duration.ofMillis(250)));
        assertEquals("1500ms", Values.text(Duration.ofMillis(1500)));
        assertEquals("2m", Values.text(Duration.ofMinutes(2)));
        assertEquals("0ms", Values.text(Duration.ZERO));
    }

    @Test
    void eachBadValueNamesItsSetting() {
        assertEquals("invalid --count: 'abc', expected a whole number >= 1", error(Map.of(), "--count", "abc"));
        assertEquals("invalid --count: '0', expected a whole number >= 1", error(Map.of(), "--count", "0"));
        assertEquals("invalid MESSAGE_COUNT (the --count setting): 'x', expected a whole number >= 1",
                error(Map.of("MESSAGE_COUNT", "x")));
        assertEquals("invalid --durable: 'maybe', expected true or false", error(Map.of(), "--durable", "maybe"));
        assertEquals("invalid --ack: 'later', expected one of manual, auto", error(Map.of(), "--ack", "later"));
        assertEquals("invalid --delay: 'soon', expected a duration such as 500ms, 5s or 2m",
                error(Map.of(), "--delay", "soon"));
        assertEquals("--queue must not be empty", error(Map.of(), "--queue", " "));
    }

    /** A mode as a program reads it: an enum, whose constants in lower case are the accepted values. */
    enum Ack { MANUAL, AUTO }

    @Test
    void aModeIsReadAsAnEnumAndABadValueListsTheConstantsInOrder() {
        assertEquals(Ack.MANUAL, parse(Map.of()).choice("ack", Ack.class));
        assertEquals(Ack.AUTO, parse(Map.of(), "--ack", "Auto").choice("ack", Ack.class));
        assertEquals("invalid --ack: 'sometimes', expected one of manual, auto",
                assertThrows(UsageException.class, () -> parse(Map.of(), "--ack", "sometimes").choice("ack", Ack.class))
                        .getMessage());
    }

    @Test
    void malformedCommandLinesAreRefused() {
        assertEquals("unknown setting --cnt (--help lists the settings)", error(Map.of(), "--cnt", "3"));
        assertEquals("--count needs a value", error(Map.of(), "--count"));
        assertEquals("--count needs a value", error(Map.of(), "--count", "--queue", "q"));
        assertEquals("unexpected argument 'extra': settings are given as --name value", error(Map.of(), "extra"));
    }

    @Test
    void helpListsEachSettingWithItsEnvironmentVariableAndDefault() {
        assertTrue(parse(Map.of(), "--help").helpRequested());
        assertTrue(parse(Map.of(), "-h").helpRequested());
        String help = SETTINGS.help();
        assertTrue(help.startsWith("Usage: java -jar demo/target/demo.jar [settings]"), help);
        for (Settings.Setting s : SETTINGS.all()) {
            assertTrue(help.contains("--" + s.flag() + " <value>"), help);
            assertTrue(help.contains("env " + s.env() + ", default "), help);
        }
        assertTrue(help.contains("env MESSAGE_COUNT, default '1'"), help);
        assertTrue(help.contains("env KAFKA_KEY, default none"), help);
    }

    @Test
    void aProgramExitsWith2OnABadSettingAnd0OnHelp() {
        assertEquals(2, Cli.run(SETTINGS, new String[] {"--count", "abc"}, Map.of(), v -> v.integer("count", 1, 9)));
        assertEquals(2, Cli.run(SETTINGS, new String[] {"--nope", "1"}, Map.of(), v -> 0));
        assertEquals(2, Cli.run(SETTINGS, new String[] {}, Map.of(), v -> v.integer("count", 5, 9)));
        assertEquals(0, Cli.run(SETTINGS, new String[] {"--help"}, Map.of(), v -> 1));
        assertEquals(1, Cli.run(SETTINGS, new String[] {}, Map.of(), v -> {
            throw new BrokerException("cannot reach it");
        }));
        assertEquals(7, Cli.run(SETTINGS, new String[] {}, Map.of(), v -> 7));
    }

    static final Settings REPEATABLE = new Settings("demo", "A demo program.")
            .add("binding-key", "RABBITMQ_BINDING_KEY", null, "binding keys")
            .add("header", "MESSAGE_HEADERS", null, "name=value pairs");

    @Test
    void aRepeatableSettingCollectsEveryFlagAndCommaSeparatedValues() {
        Values v = REPEATABLE.parse(new String[] {"--binding-key", "*.error", "--binding-key=app.#,audit"}, Map.of());
        assertEquals(java.util.List.of("*.error", "app.#", "audit"), v.list("binding-key"));
        assertEquals("app.#,audit", v.string("binding-key"), "read as one value, the last flag wins as before");
        assertEquals(java.util.List.of("a", "b"),
                REPEATABLE.parse(new String[] {}, Map.of("RABBITMQ_BINDING_KEY", "a, b,")).list("binding-key"));
        assertEquals(java.util.List.of(), REPEATABLE.parse(new String[] {}, Map.of()).list("binding-key"));
    }

    @Test
    void pairsAreNameEqualsValueAndABadOneNamesTheSetting() {
        Values v = REPEATABLE.parse(new String[] {"--header", "format=pdf", "--header", "type=report,x=a=b"}, Map.of());
        assertEquals(Map.of("format", "pdf", "type", "report", "x", "a=b"), v.pairs("header"));
        assertEquals("invalid MESSAGE_HEADERS (the --header setting): 'pdf', expected name=value",
                assertThrows(UsageException.class, () -> REPEATABLE.parse(new String[] {},
                        Map.of("MESSAGE_HEADERS", "pdf")).pairs("header")).getMessage());
    }
}
