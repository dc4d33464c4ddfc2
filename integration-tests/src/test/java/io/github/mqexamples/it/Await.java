package io.github.mqexamples.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Waiting with a deadline, never a bare sleep. */
public final class Await {

    private Await() {
    }

    /** Runs {@code work} on another thread and returns its result, failing if it takes longer than {@code timeout}. */
    public static <T> T within(Duration timeout, Callable<T> work) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<T> future = executor.submit(work);
            try {
                return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                future.cancel(true);
                return fail("did not finish within " + timeout);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        } finally {
            executor.shutdownNow();
        }
    }

    /** Polls {@code condition} every 100 ms until it holds, failing with {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting for: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /**
     * Polls {@code value} every 100 ms until it returns something other than null (an exception counts as null: not
     * there yet), and returns that; fails with {@code what} after {@code timeout}.
     */
    public static <T> T value(String what, Duration timeout, Callable<T> value) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T found = orElse(null, value);
            if (found != null) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting for: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /**
     * The value, or {@code fallback} while it cannot be had (a broker restarting, statistics not reported yet):
     * for the conditions of {@link #until}, which try again.
     */
    public static <T> T orElse(T fallback, Callable<T> value) {
        try {
            return value.call();
        } catch (Exception | AssertionError e) {
            return fallback;
        }
    }

    /** A queue, topic or group name no other test uses. */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
