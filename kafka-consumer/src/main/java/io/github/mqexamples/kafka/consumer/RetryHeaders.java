package io.github.mqexamples.kafka.consumer;

import io.github.mqexamples.common.AsciiNumbers;
import io.github.mqexamples.common.Throughput;
import io.github.mqexamples.common.kafka.KafkaDelivery;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers a record carries on its way through {@code <topic>.retry} and {@code <topic>.dlt}. Kafka has no
 * broker-side retry count or dead-lettering for consumer groups: the consumer keeps that state in the record
 * itself, so that any member of the group (after a restart, after a rebalance) knows how often it was tried.
 * The producer's message id ({@link KafkaDelivery#MESSAGE_ID_HEADER}) is kept on every copy, so de-duplication
 * works across retries.
 */
public final class RetryHeaders {

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

    /**
     * The headers the consumer acts on, read in one pass over a record's headers (four lookups by name would walk
     * them four times, for every record), and straight from their bytes: the id stays bytes (the de-duplication
     * reads it as such), the numbers are parsed from their digits. As with {@link Headers#lastHeader}, the last
     * header of a name wins.
     *
     * @param messageIdBytes the producer's message id as the bytes of its text, or null
     * @param attempt 1 unless the record is a retry copy
     * @param dueAt   epoch ms before which a retry copy is not processed; 0 = now
     * @param sentAtMicros when the producer sent it (for latency); 0 = unknown
     */
    public record Read(byte[] messageIdBytes, int attempt, long dueAt, long sentAtMicros) {

        public static Read from(Headers headers) {
            byte[] messageId = null;
            long attempt = 1;
            long dueAt = 0;
            long sentAt = 0;
            for (Header h : headers) {
                switch (h.key()) {
                    case KafkaDelivery.MESSAGE_ID_HEADER -> messageId = h.value();
                    case ATTEMPT -> attempt = AsciiNumbers.parse(h.value(), 1);
                    case DUE_AT -> dueAt = AsciiNumbers.parse(h.value(), 0);
                    case Throughput.SENT_AT_HEADER -> sentAt = AsciiNumbers.parse(h.value(), 0);
                    default -> { }
                }
            }
            return new Read(messageId, (int) Math.max(1, Math.min(Integer.MAX_VALUE, attempt)), dueAt, sentAt);
        }

        /** The message id as text (for a log line), or null. */
        public String messageId() {
            return messageIdBytes == null ? null : new String(messageIdBytes, StandardCharsets.UTF_8);
        }

        /** For the log line of a retry: " (attempt 2 of 3)"; "" for a first attempt. */
        public String ofAttempts(int maxAttempts) {
            return attempt > 1 ? " (attempt " + attempt + " of " + maxAttempts + ")" : "";
        }
    }

    /** The last value of header {@code name} as text, or null. */
    public static String text(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : text(h);
    }

    public static long number(Headers headers, String name, long absent) {
        Header h = headers.lastHeader(name);
        return h == null ? absent : number(h, absent);
    }

    private static String text(Header h) {
        return h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static long number(Header h, long absent) {
        return AsciiNumbers.parse(h.value(), absent); // a header someone else wrote: absent rather than a failure
    }

    static void set(Headers headers, String name, Object value) {
        headers.remove(name);
        headers.add(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }
}
