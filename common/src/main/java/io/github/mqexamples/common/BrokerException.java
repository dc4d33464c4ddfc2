package io.github.mqexamples.common;

/**
 * The broker could not be used: unreachable, refused the login, or refused a declaration.
 * The message is written for a person (which address, what to check); the program prints it on one line
 * and exits with code 1. The cause is kept for debug logging.
 */
public class BrokerException extends RuntimeException {
    public BrokerException(String message, Throwable cause) {
        super(message, cause);
    }

    public BrokerException(String message) {
        super(message);
    }
}
