package io.github.mqexamples.kafka.consumer;

import io.github.mqexamples.common.ConsumerConfigBuilder;
import io.github.mqexamples.common.Deduplicator;
import io.github.mqexamples.common.SimulatedWork;
import io.github.mqexamples.common.kafka.KafkaClientConfig;
import java.time.Duration;

/**
 * What the consumer is set to do: one field per setting of {@link KafkaConsumerApp}. Built by name, for instance
 * {@code KafkaConsumerConfig.builder(servers, topic, group).maxMessages(5).build()}; what is not named keeps the
 * program's default (KafkaConsumerConfigTest checks that the builder and the flags agree).
 *
 * @param applied the ids of records whose effect was applied; null = a new in-memory one
 * @param client --client-config and --client-property: for every client the consumer makes
 */
public record KafkaConsumerConfig(String bootstrapServers, String topic, String group, int maxMessages,
                                  SimulatedWork work, int maxAttempts, Duration retryDelay, CommitMode commit,
                                  Deduplicator applied, boolean logMessages, int maxPollRecords,
                                  Duration commitInterval, int concurrency, KafkaClientConfig client,
                                  String isolation) {

    /** Records one poll() hands out unless --max-poll-records says otherwise. */
    public static final int DEFAULT_MAX_POLL_RECORDS = 10;

    public static Builder builder(String bootstrapServers, String topic, String group) {
        return new Builder(bootstrapServers, topic, group);
    }

    /** The program's defaults, until a setter says otherwise (those both consumers have: ConsumerConfigBuilder). */
    public static final class Builder extends ConsumerConfigBuilder<Builder> {
        private final String bootstrapServers;
        private final String topic;
        private final String group;
        private CommitMode commit = CommitMode.SYNC;
        private Deduplicator applied;
        private int maxPollRecords = DEFAULT_MAX_POLL_RECORDS;
        private Duration commitInterval = Duration.ZERO;
        private int concurrency = 1;
        private KafkaClientConfig client = KafkaClientConfig.NONE;
        private String isolation = "read_committed";

        private Builder(String bootstrapServers, String topic, String group) {
            this.bootstrapServers = bootstrapServers;
            this.topic = topic;
            this.group = group;
        }

        /** --commit: commitSync or commitAsync after each batch. */
        public Builder commit(CommitMode commit) {
            this.commit = commit;
            return this;
        }

        /** Where the ids of applied records are kept: one that outlives the consumer, as a database would (tests). */
        public Builder applied(Deduplicator applied) {
            this.applied = applied;
            return this;
        }

        /** --max-poll-records: what one poll() hands out (max.poll.records). */
        public Builder maxPollRecords(int maxPollRecords) {
            this.maxPollRecords = maxPollRecords;
            return this;
        }

        /** --commit-interval: least time between two commits; zero = after every batch. */
        public Builder commitInterval(Duration commitInterval) {
            this.commitInterval = commitInterval;
            return this;
        }

        /** --concurrency: members of the group in this process, one thread and one KafkaConsumer each. */
        public Builder concurrency(int concurrency) {
            this.concurrency = concurrency;
            return this;
        }

        /** --client-config, --client-property: security.protocol, sasl.*, ssl.* for every client. */
        public Builder client(KafkaClientConfig client) {
            this.client = client;
            return this;
        }

        /** --isolation: read_committed (skip what aborted transactions wrote) or read_uncommitted (see it all). */
        public Builder isolation(String isolation) {
            this.isolation = isolation;
            return this;
        }

        public KafkaConsumerConfig build() {
            return new KafkaConsumerConfig(bootstrapServers, topic, group, maxMessages, work, maxAttempts, retryDelay,
                    commit, applied, logMessages, maxPollRecords, commitInterval, concurrency, client, isolation);
        }
    }
}
