package io.github.mqexamples.kafka.consumer;

/** How the poll loop commits the offsets of a processed batch ({@code --commit}). */
public enum CommitMode {
    /** commitSync: wait for the broker's answer; what is retriable is retried. */
    SYNC,
    /** commitAsync: do not wait (more throughput); a failure is logged and the next commit covers it. */
    ASYNC
}
