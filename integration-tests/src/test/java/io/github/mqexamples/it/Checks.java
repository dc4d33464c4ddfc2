package io.github.mqexamples.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** String assertions that print the whole text when they fail. */
public final class Checks {

    private Checks() {
    }

    public static void assertContains(String text, String part) {
        assertTrue(text != null && text.contains(part), "expected to find <" + part + "> in:\n" + text);
    }

    public static void assertLacks(String text, String part) {
        assertFalse(text.contains(part), "expected NOT to find <" + part + "> in:\n" + text);
    }
}
