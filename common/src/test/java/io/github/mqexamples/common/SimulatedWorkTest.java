package io.github.mqexamples.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulatedWorkTest {

    static final Settings SETTINGS = SimulatedWork.addTo(new Settings("demo", "demo"));

    static SimulatedWork parse(String... args) {
        return SimulatedWork.from(SETTINGS.parse(args, Map.of()));
    }

    @Test
    void byDefaultNothingFailsAndNoTimeIsSpent() {
        SimulatedWork work = parse();
        assertEquals(Duration.ZERO, work.work());
        assertFalse(work.failsOn("anything", 1));
    }

    @Test
    void aMatchingBodyFailsEveryAttemptUnlessFailAttemptsIsSet() {
        SimulatedWork poison = parse("--fail-on", "#3$");
        assertTrue(poison.failsOn("Hello World! #3", 1));
        assertTrue(poison.failsOn("Hello World! #3", 100));
        assertFalse(poison.failsOn("Hello World! #13 later", 1));
        assertFalse(poison.failsOn("Hello World! #4", 1));

        SimulatedWork flaky = parse("--fail-on", "World", "--fail-attempts", "2");
        assertTrue(flaky.failsOn("Hello World!", 1));
        assertTrue(flaky.failsOn("Hello World!", 2));
        assertFalse(flaky.failsOn("Hello World!", 3));
        assertThrows(SimulatedWork.ProcessingFailed.class, () -> flaky.process("Hello World!", 1));
    }

    @Test
    void aBadRegularExpressionIsNamed() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--fail-on", "(unclosed"));
        assertTrue(e.getMessage().startsWith("invalid --fail-on: '(unclosed', expected a regular expression"),
                e.getMessage());
    }

    @Test
    void theDeduplicatorRemembersTheMostRecentIdsOnly() {
        Deduplicator done = new Deduplicator(2);
        assertFalse(done.alreadyDone("a"));
        done.markDone("a");
        assertTrue(done.alreadyDone("a"));
        done.markDone("b");
        done.markDone("c");
        assertFalse(done.alreadyDone("a"), "evicted: only the last 2 are kept");
        assertTrue(done.alreadyDone("b"));
        assertTrue(done.alreadyDone("c"));
        assertEquals(2, done.size());
        assertFalse(done.alreadyDone(null));
    }
}
