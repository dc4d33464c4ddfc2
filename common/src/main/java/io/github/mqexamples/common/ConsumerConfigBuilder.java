package io.github.mqexamples.common;

import java.time.Duration;

/**
 * The settings both consumers have, with their defaults: the builder of each consumer's configuration extends this
 * one and adds its own. {@code B} is that builder, so that a chain of setters keeps its type.
 */
public abstract class ConsumerConfigBuilder<B extends ConsumerConfigBuilder<B>> extends ConfigBuilder<B> {

    protected int maxMessages;
    protected SimulatedWork work = SimulatedWork.none();
    protected int maxAttempts = 3;
    protected Duration retryDelay = Duration.ofSeconds(5);

    /** --max-messages: exit after this many; 0 = until stopped. */
    public B maxMessages(int maxMessages) {
        this.maxMessages = maxMessages;
        return self();
    }

    /** --work-ms, --fail-on, --fail-attempts: what processing a message costs, and which ones fail. */
    public B work(SimulatedWork work) {
        this.work = work;
        return self();
    }

    /** --max-attempts: attempts per message before it is dead-lettered (1 = no retry). */
    public B maxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
        return self();
    }

    /** --retry-delay: how long a failed message waits before its next attempt. */
    public B retryDelay(Duration retryDelay) {
        this.retryDelay = retryDelay;
        return self();
    }
}
