package io.github.mqexamples.rabbitmq.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.mqexamples.common.rabbitmq.ExchangeType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BindingsTest {

    @Test
    void directAndTopicBindEachKeyOrElseTheQueueName() {
        Bindings topic = new Bindings(ExchangeType.TOPIC, List.of("*.error", "app.#"), Map.of(), true);
        assertEquals(List.of("*.error", "app.#"), topic.keysFor("q"));
        assertEquals(Map.of(), topic.arguments());
        assertEquals("topic pattern '*.error'", topic.describe("*.error"));
        assertEquals(List.of("q"), Bindings.DEFAULT.keysFor("q"));
        assertEquals("routing key 'q'", Bindings.DEFAULT.describe("q"), "the line the consumer has always logged");
    }

    @Test
    void fanoutAndHeadersBindOnceWithNoKey() {
        assertEquals(List.of(""), new Bindings(ExchangeType.FANOUT, List.of("ignored"), Map.of(), true).keysFor("q"));
        Bindings any = new Bindings(ExchangeType.HEADERS, List.of(), Map.of("format", "pdf"), false);
        assertEquals(List.of(""), any.keysFor("q"));
        assertEquals(Map.of("format", "pdf", "x-match", "any"), any.arguments());
        assertEquals("any of the headers {format=pdf}", any.describe(""));
    }
}
