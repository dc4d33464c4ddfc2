package io.github.mqexamples.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Runs the four programs as a person does: {@code java -jar <module>/target/<module>.jar ...}, as child processes. */
public final class Programs {

    private Programs() {
    }

    /** The project's root folder (the integration tests run in integration-tests/). */
    static Path root() {
        return Path.of(System.getProperty("mq.examples.root", "..")).toAbsolutePath().normalize();
    }

    static Path jar(String module) {
        Path jar = root().resolve(module).resolve("target").resolve(module + ".jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: run the tests with mvn verify, which packages it first");
        return jar;
    }

    /** Starts a program; {@code env} adds to (or, with a null value, removes from) the inherited environment. */
    public static Running start(String module, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
                jar(module).toString()));
        command.addAll(List.of(args));
        // Output goes to a file that a thread follows: reading a pipe races with the JDK draining it when
        // the process exits, which can lose the last lines (exactly the ones a shutdown test looks for).
        Path output;
        try {
            output = Files.createTempFile(module + "-", ".out");
            output.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        // The tests' own broker settings must not leak into a program through the environment.
        builder.environment().keySet().removeIf(k -> k.startsWith("RABBITMQ_") || k.startsWith("KAFKA_")
                || k.equals("LOG_LEVEL") || k.equals("MESSAGE_COUNT") || k.equals("MAX_MESSAGES"));
        env.forEach((k, v) -> {
            if (v == null) {
                builder.environment().remove(k);
            } else {
                builder.environment().put(k, v);
            }
        });
        try {
            Process process = builder.start();
            STARTED.add(process);
            return new Running(module, process, output);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every program a test started. A test that fails before it stops its program (an assertion on the way)
     * would otherwise leave it running after the test JVM is gone; on exit, what is still alive is killed.
     */
    private static final List<Process> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.stream().filter(Process::isAlive)
                .forEach(Process::destroyForcibly), "kill-leftover-programs"));
    }

    /** Runs a program to its end (at most {@code timeout}). */
    public static Running run(Duration timeout, String module, Map<String, String> env, String... args) {
        Running running = start(module, env, args);
        running.awaitExit(timeout);
        return running;
    }

    /** A started program: its combined stdout and stderr, line by line, and its exit code. */
    public static final class Running {
        private final String module;
        private final Process process;
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;

        Running(String module, Process process, Path output) {
            this.module = module;
            this.process = process;
            this.reader = new Thread(() -> follow(output), module + "-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** Reads the output file as it grows, line by line, until the process has exited and all is read. */
        private void follow(Path output) {
            try (BufferedReader in = Files.newBufferedReader(output, StandardCharsets.UTF_8)) {
                StringBuilder partial = new StringBuilder();
                while (true) {
                    boolean exited = !process.isAlive();
                    int c;
                    boolean readAny = false;
                    while ((c = in.read()) != -1) {
                        readAny = true;
                        if (c == '\n') {
                            add(partial.toString());
                            partial.setLength(0);
                        } else {
                            partial.append((char) c);
                        }
                    }
                    if (exited && !readAny) {
                        if (partial.length() > 0) {
                            add(partial.toString());
                        }
                        return;
                    }
                    process.waitFor(50, TimeUnit.MILLISECONDS);
                }
            } catch (IOException e) {
                add("(output unreadable: " + e + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void add(String line) {
            System.out.println("  [" + module + "] " + line);
            synchronized (lines) {
                lines.add(line);
                lines.notifyAll();
            }
        }

        public List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        public String output() {
            return String.join("\n", lines());
        }

        /** Waits until a line matches, or fails after {@code timeout} with the output so far. */
        public String awaitLine(Predicate<String> matches, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (lines) {
                while (true) {
                    for (String line : lines) {
                        if (matches.test(line)) {
                            return line;
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        fail(module + ": no matching line within " + timeout + "; output:\n" + output());
                    }
                    try {
                        lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        fail("interrupted");
                    }
                }
            }
        }

        /**
         * Waits for the exit (killing the program if it takes longer than {@code timeout}) and for every line of
         * its output to be read; returns the code. After it, {@link #lines()} is the whole output, so a check that
         * a line is absent cannot pass on half of it.
         */
        public int awaitExit(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor();
                    awaitWholeOutput();
                    fail(module + " did not exit within " + timeout + "; output:\n" + output());
                }
                awaitWholeOutput();
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private void awaitWholeOutput() throws InterruptedException {
            reader.join(30_000);
            if (reader.isAlive()) {
                fail(module + ": its output was still not read 30 s after it exited; so far:\n" + output());
            }
        }

        public int exitCode() {
            return process.exitValue();
        }

        /** SIGTERM, what Ctrl-C (SIGINT) and `kill` send; the JVM handles both the same way. */
        public void terminate() {
            process.destroy();
        }

        public void kill() {
            process.destroyForcibly();
        }

        public Process process() {
            return process;
        }
    }
}
