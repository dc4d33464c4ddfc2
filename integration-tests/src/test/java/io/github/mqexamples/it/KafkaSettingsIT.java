package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The settings the Kafka scenarios added: a wrong value is named in one line, exit code 2. */
class KafkaSettingsIT {

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "kafka-consumer | --commit | later | invalid --commit: 'later', expected one of sync, async",
        "kafka-consumer | --max-attempts | 0 | invalid --max-attempts: '0', expected a whole number from 1 to 1000",
        "kafka-consumer | --retry-delay | soon | invalid --retry-delay: 'soon', expected a duration",
        "kafka-consumer | --fail-on | ( | invalid --fail-on: '(', expected a regular expression",
        "kafka-consumer | --work-ms | slow | invalid --work-ms: 'slow'",
        "kafka-producer | --linger-ms | -1 | invalid --linger-ms: '-1', expected a whole number from 0 to 60000",
        "kafka-producer | --interval | often | invalid --interval: 'often', expected a duration",
        "kafka-producer | --batch-size | big | invalid --batch-size: 'big'",
    })
    void aWrongSettingIsNamedAndExitsWith2(String program, String flag, String value, String expected) {
        Programs.Running run = Programs.run(Duration.ofSeconds(60), program, Map.of(), flag, value);
        assertEquals(2, run.exitCode(), run.output());
        assertEquals(1, run.lines().size(), "one line: " + run.output());
        assertContains(run.output(), program + ": " + expected);
    }
}
