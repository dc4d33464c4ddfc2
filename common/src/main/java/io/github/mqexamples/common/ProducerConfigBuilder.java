package io.github.mqexamples.common;

/**
 * The settings both producers have, with their defaults: the builder of each producer's configuration extends this
 * one and adds its own. {@code B} is that builder, so that a chain of setters keeps its type.
 */
public abstract class ProducerConfigBuilder<B extends ProducerConfigBuilder<B>> extends ConfigBuilder<B> {

    protected int count = 1;
    protected String message;
    protected int size;
    protected int rate;

    /** @param message the program's default body: "Hello World!" for RabbitMQ, "Hello Kafka!" for Kafka */
    protected ProducerConfigBuilder(String message) {
        this.message = message;
    }

    /** --count: how many messages; with more than one, bodies are numbered. */
    public B count(int count) {
        this.count = count;
        return self();
    }

    /** --message: the body. */
    public B message(String message) {
        this.message = message;
        return self();
    }

    /** --size: pad each body to this many bytes; 0 = as it is. */
    public B size(int size) {
        this.size = size;
        return self();
    }

    /** --rate: messages per second at most; 0 = no cap. */
    public B rate(int rate) {
        this.rate = rate;
        return self();
    }
}
