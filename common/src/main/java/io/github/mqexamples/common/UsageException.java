package io.github.mqexamples.common;

/** A setting was wrong (unknown flag, malformed value). The program prints the message and exits with code 2. */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
