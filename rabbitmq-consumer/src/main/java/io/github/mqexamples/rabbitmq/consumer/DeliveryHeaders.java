package io.github.mqexamples.rabbitmq.consumer;

import com.rabbitmq.client.Delivery;
import io.github.mqexamples.common.Throughput;
import java.util.List;
import java.util.Map;

/** What the headers of a delivery tell the consumer: which attempt it is, and when the producer sent it. */
final class DeliveryHeaders {

    private DeliveryHeaders() {
    }

    /**
     * Which attempt this delivery is (1 = its first). With {@code --retry requeue}, a quorum queue counts the
     * returns in {@code x-delivery-count}. With {@code --retry delayed}, each trip through {@code <queue>.retry} adds
     * to the count of the message's {@code x-death} entry for that queue (reason {@code expired}), and the
     * {@code x-retry-attempt} header the consumer sets on the copy carries the same number where a broker does not
     * keep {@code x-death} across a re-publish.
     */
    static int attempt(Delivery delivery) {
        Map<String, Object> headers = delivery.getProperties().getHeaders();
        if (headers == null) {
            return 1;
        }
        long previous = 0;
        if (headers.get("x-delivery-count") instanceof Number n) {
            previous = Math.max(previous, n.longValue());
        }
        if (headers.get(RetryOrDeadLetter.RETRY_ATTEMPT) instanceof Number n) {
            previous = Math.max(previous, n.longValue());
        }
        if (headers.get("x-death") instanceof List<?> deaths) {
            for (Object death : deaths) {
                if (death instanceof Map<?, ?> d && "expired".equals(String.valueOf(d.get("reason")))
                        && String.valueOf(d.get("queue")).endsWith(".retry") && d.get("count") instanceof Number n) {
                    previous = Math.max(previous, n.longValue());
                }
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, previous + 1);
    }

    /** When the producer sent the message (its x-sent-at-micros header, in microseconds), 0 if unknown. */
    static long sentAt(Delivery delivery) {
        Map<String, Object> headers = delivery.getProperties().getHeaders();
        return headers != null && headers.get(Throughput.SENT_AT_HEADER) instanceof Number n ? n.longValue() : 0;
    }
}
