package io.github.mqexamples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A program run in a JVM of its own with a 256 MB heap, its output kept in a file. */
final class Child {

    static final String HEAP = "-Xmx256m";

    private final String name;
    private final Process process;
    private final Path output;
    private final long startNanos = System.nanoTime();
    private long endNanos;

    private Child(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
    }

    static List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), HEAP));
        command.addAll(List.of(args));
        return command;
    }

    static Child start(String name, List<String> command) throws IOException {
        Path output = Files.createTempFile("bench-" + name + "-", ".out");
        output.toFile().deleteOnExit();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new Child(name, process, output);
    }

    static String run(String name, List<String> command, Duration timeout) throws Exception {
        return start(name, command).await(timeout);
    }

    String output() throws IOException {
        return Files.readString(output);
    }

    /** Waits until the output contains {@code text}. */
    void awaitOutput(String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(text)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " never printed '" + text + "':\n" + tail());
            }
            process.waitFor(50, TimeUnit.MILLISECONDS);
        }
    }

    /** Waits for a successful exit and returns the output. */
    String await(Duration timeout) throws Exception {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not finish within " + timeout + ":\n" + tail());
        }
        endNanos = System.nanoTime();
        if (process.exitValue() != 0) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
        }
        return output();
    }

    /**
     * Seconds from starting the JVM to its exit, as a person timing the command sees it: JVM start, connecting,
     * the work, closing (after {@link #await}; measured from here, so it includes starting the process).
     */
    double seconds() {
        return (endNanos - startNanos) / 1e9;
    }

    /** Runs a program to its end and measures it: its own figures ({@code parse}) and its whole-process time. */
    static Measure timed(String name, List<String> command, Duration timeout,
            java.util.function.Function<String, Measure> parse) throws Exception {
        Child child = start(name, command);
        String output = child.await(timeout);
        return parse.apply(output).withProcessSeconds(child.seconds());
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(output);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
