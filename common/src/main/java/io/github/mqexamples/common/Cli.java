package io.github.mqexamples.common;

import java.util.Map;
import org.slf4j.Logger;

/**
 * Runs a program's body and turns its outcome into an exit code, so that every program fails the same way:
 * 0 success, 1 the broker could not be used or the work did not complete, 2 a wrong setting.
 * A failure is one readable line; its stack trace only shows with LOG_LEVEL=debug.
 */
public final class Cli {

    /** The body of a program: gets the parsed settings, returns the exit code. */
    @FunctionalInterface
    public interface Body {
        int run(Values values) throws Exception;
    }

    private Cli() {
    }

    public static int run(Settings settings, String[] args, Map<String, String> env, Body body) {
        Logger log = Log.forProgram(settings.program());
        Values values;
        try {
            values = settings.parse(args, env);
        } catch (UsageException e) {
            System.err.println(settings.program() + ": " + e.getMessage());
            return 2;
        }
        if (values.helpRequested()) {
            System.out.print(settings.help());
            return 0;
        }
        try {
            return body.run(values);
        } catch (UsageException e) {
            System.err.println(settings.program() + ": " + e.getMessage());
            return 2;
        } catch (BrokerException e) {
            log.error(e.getMessage());
            log.debug("cause", e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.error("interrupted");
            return 1;
        } catch (Exception e) {
            log.error("failed: {}", e.toString());
            log.debug("cause", e);
            return 1;
        }
    }

    /** {@code System.exit(Cli.run(...))} with the process environment, for a program's main. */
    public static void main(Settings settings, String[] args, Body body) {
        int code = run(settings, args, System.getenv(), body);
        System.out.flush();
        System.exit(code);
    }
}
