package io.github.mqexamples.rabbitmq.consumer;

import com.rabbitmq.client.Delivery;

/** The effect of a message: what processing it means. The program only logs it; the tests record it. */
@FunctionalInterface
public interface Processor {
    void process(Delivery delivery, String body) throws Exception;
}
