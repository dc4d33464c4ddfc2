package io.github.mqexamples.common;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A timer thread for housekeeping (progress lines, a batch's deadline) that never keeps the JVM alive on exit. */
public final class DaemonScheduler {

    private DaemonScheduler() {
    }

    /** A single-thread scheduler whose thread is a daemon called {@code name} (as thread dumps show it). */
    public static ScheduledExecutorService named(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
