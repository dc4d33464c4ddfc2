package io.github.mqexamples.kafka.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The effect of a record: what processing it means. The program only logs it; the tests record it. Throwing = failed. */
@FunctionalInterface
public interface Processor {

    /** The program's own: no effect beyond the log line. It reads no value, so none is decoded into a String for it. */
    Processor NONE = record -> { };

    void process(ConsumerRecord<String, String> record) throws Exception;
}
