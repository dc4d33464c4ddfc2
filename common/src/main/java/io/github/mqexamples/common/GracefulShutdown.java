package io.github.mqexamples.common;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C and SIGTERM for a consumer: the JVM runs shutdown hooks on another thread while the consumer's own
 * thread is still in the middle of a message. The hook asks the consumer to stop, then waits until the consumer
 * says it has finished what it had in hand, acknowledged or committed it, and closed its connection.
 * Then the process exits with code 0: a requested stop that lost nothing is a success, not the 143 of a killed JVM.
 */
public final class GracefulShutdown {

    private final CountDownLatch finished = new CountDownLatch(1);

    /** The consumer's loop, which returns once asked to stop. */
    @FunctionalInterface
    public interface Loop {
        void run() throws Exception;
    }

    private GracefulShutdown() {
    }

    /** Installs the hook; {@code requestStop} must make the consumer loop end soon (cancel, wakeup). */
    public static GracefulShutdown install(Runnable requestStop, Duration grace) {
        GracefulShutdown shutdown = new GracefulShutdown();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (shutdown.finished.getCount() == 0) {
                return; // the program ended by itself and is exiting with its own code
            }
            requestStop.run();
            try {
                boolean done = shutdown.finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
                System.out.flush();
                Runtime.getRuntime().halt(done ? 0 : 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "graceful-shutdown"));
        return shutdown;
    }

    /**
     * Runs {@code loop} with the hook installed: Ctrl-C / SIGTERM calls {@code requestStop}, waits up to
     * {@code grace} for the loop to return (having committed or acknowledged what it processed), then exits 0.
     */
    public static void run(Loop loop, Runnable requestStop, Duration grace) throws Exception {
        GracefulShutdown shutdown = install(requestStop, grace);
        try {
            loop.run();
        } finally {
            shutdown.finished();
        }
    }

    /** The consumer has finished and closed; the hook may let the process exit. */
    public void finished() {
        finished.countDown();
    }
}
