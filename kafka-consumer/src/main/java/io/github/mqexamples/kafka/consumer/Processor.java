package io.github.mqexamples.kafka.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The effect of a record: what processing it means. The program only logs it; the tests record it. Throwing = failed. */
@FunctionalInterface
public interface Processor {
    void process(ConsumerRecord<String, String> record) throws Exception;
}
