package io.github.mqexamples.common;

import java.time.Duration;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What "processing a message" means in the consumers: optionally take {@code --work-ms} per message (to watch
 * acknowledgements and prefetch at work), and throw for bodies matching {@code --fail-on} (to watch retries and
 * dead-lettering without editing code). {@code --fail-attempts K} fails only the first K attempts of such a
 * message, so it succeeds on attempt K+1; without it, every attempt fails (a poison message).
 */
public record SimulatedWork(Duration work, Pattern failOn, int failAttempts) {

    /** Thrown for a message that matches {@code --fail-on}. */
    public static final class ProcessingFailed extends Exception {
        public ProcessingFailed(String message) {
            super(message);
        }
    }

    /** Adds --work-ms, --fail-on and --fail-attempts to a consumer's settings. */
    public static Settings addTo(Settings settings) {
        return settings
                .add("work-ms", "WORK_MS", "0", "simulated processing time per message, in milliseconds")
                .add("fail-on", "FAIL_ON", null, "processing fails for bodies matching this regular expression")
                .add("fail-attempts", "FAIL_ATTEMPTS", "0", "fail only the first K attempts of such a message; 0 = every attempt");
    }

    public static SimulatedWork from(Values v) {
        Pattern failOn = null;
        if (v.optional("fail-on").filter(s -> !s.isEmpty()).isPresent()) {
            try {
                failOn = Pattern.compile(v.optional("fail-on").get());
            } catch (PatternSyntaxException e) {
                throw v.invalid("fail-on", "a regular expression (" + e.getDescription() + ")");
            }
        }
        return new SimulatedWork(Duration.ofMillis(v.integer("work-ms", 0, Integer.MAX_VALUE)), failOn,
                v.integer("fail-attempts", 0, Integer.MAX_VALUE));
    }

    /** No work, no failures. */
    public static SimulatedWork none() {
        return new SimulatedWork(Duration.ZERO, null, 0);
    }

    /** Whether {@link #process} reads the body (--fail-on matches it); otherwise it may be given null. */
    public boolean readsBody() {
        return failOn != null;
    }

    /** True when attempt number {@code attempt} (1 = first delivery) of {@code body} is set to fail. */
    public boolean failsOn(String body, int attempt) {
        return failOn != null && failOn.matcher(body).find() && (failAttempts == 0 || attempt <= failAttempts);
    }

    /** Does the simulated work, then throws if this attempt of this body is set to fail. */
    public void process(String body, int attempt) throws ProcessingFailed, InterruptedException {
        if (!work.isZero()) {
            Thread.sleep(work.toMillis()); // stands for real work: a database write, an HTTP call...
        }
        if (failsOn(body, attempt)) {
            throw new ProcessingFailed("simulated failure: body matches --fail-on '" + failOn.pattern()
                    + "' (attempt " + attempt + ")");
        }
    }
}
