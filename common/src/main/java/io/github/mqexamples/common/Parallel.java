package io.github.mqexamples.common;

import java.util.ArrayList;
import java.util.List;

/** Runs one task per item, each on a thread of its own, and waits for all of them: --threads and --concurrency. */
public final class Parallel {

    /** A task that may throw, as the broker calls do. */
    @FunctionalInterface
    public interface Task<T> {
        void run(T item) throws Exception;
    }

    private Parallel() {
    }

    /**
     * Runs {@code task} for every item, the last on the calling thread (one item: no thread started), each other on a
     * thread named {@code name-1}, {@code name-2}, ...; waits for all, then rethrows the first failure, if any.
     */
    public static <T> void forEach(String name, List<T> items, Task<T> task) throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = new ArrayList<>();
        for (int i = 0; i < items.size() - 1; i++) {
            T item = items.get(i);
            Thread thread = new Thread(() -> {
                try {
                    task.run(item);
                } catch (Exception e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, name + "-" + (i + 1));
            thread.start();
            threads.add(thread);
        }
        try {
            if (!items.isEmpty()) {
                task.run(items.get(items.size() - 1));
            }
        } finally {
            for (Thread thread : threads) {
                thread.join();
            }
        }
        synchronized (failures) {
            if (!failures.isEmpty()) {
                throw failures.get(0);
            }
        }
    }
}
