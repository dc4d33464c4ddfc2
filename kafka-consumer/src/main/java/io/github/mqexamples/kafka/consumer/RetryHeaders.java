package io.github.mqexamples.kafka.consumer;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers a record carries on its way through {@code <topic>.retry} and {@code <topic>.dlt}. Kafka has no
 * broker-side retry count or dead-lettering for consumer groups: the consumer keeps that state in the record
 * itself, so that any member of the group (after a restart, after a rebalance) knows how often it was tried.
 */
public final class RetryHeaders {

    /** The id the producer gave the record; kept on every copy, so de-duplication works across retries. */
    public static final String MESSAGE_ID = "message-id";
    /** Which attempt the copy in {@code <topic>.retry} is (2 = the first retry). */
    public static final String ATTEMPT = "retry-attempt";
    /** When the retry is due, in epoch milliseconds: the consumer does not process it before. */
    public static final String DUE_AT = "retry-due-at";
    /** Where the record was first written: kept unchanged through every retry and on the dead letter. */
    public static final String ORIGINAL_TOPIC = "original-topic";
    public static final String ORIGINAL_PARTITION = "original-partition";
    public static final String ORIGINAL_OFFSET = "original-offset";
    /** On a dead letter: why the last attempt failed, and how many attempts there were. */
    public static final String EXCEPTION_CLASS = "exception-class";
    public static final String EXCEPTION_MESSAGE = "exception-message";
    public static final String ATTEMPTS = "attempts";

    private RetryHeaders() {
    }

    /** The last value of header {@code name} as text, or null. */
    public static String text(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    public static long number(Headers headers, String name, long absent) {
        String v = text(headers, name);
        try {
            return v == null ? absent : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return absent; // a header someone else wrote: treat as absent rather than fail the record
        }
    }

    static void set(Headers headers, String name, Object value) {
        headers.remove(name);
        headers.add(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }
}
