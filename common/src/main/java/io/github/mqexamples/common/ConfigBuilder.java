package io.github.mqexamples.common;

/**
 * What the builders of the four programs' configurations share: {@code --log-messages}, and setters that return
 * the builder's own type ({@code B}), so that a chain of them can go on with the program's own settings.
 */
public abstract class ConfigBuilder<B extends ConfigBuilder<B>> {

    protected boolean logMessages = true;

    /** --log-messages: a line per message; false = a progress line each second. */
    public B logMessages(boolean logMessages) {
        this.logMessages = logMessages;
        return self();
    }

    @SuppressWarnings("unchecked")
    protected B self() {
        return (B) this;
    }
}
