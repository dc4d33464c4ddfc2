package io.github.mqexamples.common.kafka;

import io.github.mqexamples.common.BrokerException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Topic housekeeping the programs share: look a topic up, create the ones that are missing. */
public final class KafkaTopics {

    private KafkaTopics() {
    }

    /**
     * An Admin client that gives up on an unreachable cluster after {@link KafkaErrors#FIRST_CONTACT_TIMEOUT}
     * instead of retrying quietly for minutes.
     */
    public static Admin admin(String bootstrapServers) {
        return admin(bootstrapServers, KafkaClientConfig.NONE);
    }

    /** As {@link #admin(String)}, with the person's client settings (security.protocol, sasl.*, ssl.*). */
    public static Admin admin(String bootstrapServers, KafkaClientConfig client) {
        KafkaErrors.checkBeforeConnecting(bootstrapServers, client);
        return admin(bootstrapServers, client, "kafka-admin", KafkaErrors.FIRST_CONTACT_TIMEOUT);
    }

    /**
     * An Admin client named {@code clientId} whose every call gives up after {@code timeout}. A host that does not
     * resolve is said here, as such: the client's own words are "Failed to create new KafkaAdminClient".
     */
    public static Admin admin(String bootstrapServers, KafkaClientConfig client, String clientId, Duration timeout) {
        int timeoutMs = (int) timeout.toMillis();
        try {
            return Admin.create(client.applyTo(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.CLIENT_ID_CONFIG, clientId,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs), KafkaClientConfig.Client.ADMIN));
        } catch (KafkaException e) {
            BrokerException explained = KafkaErrors.explain(e, bootstrapServers, client, "use");
            throw explained != null ? explained : e;
        }
    }

    /** The topic's description, or empty if it does not exist (yet). */
    public static Optional<TopicDescription> describe(Admin admin, String topic) throws InterruptedException {
        try {
            return Optional.of(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw new BrokerException("cannot describe topic '" + topic + "': " + e.getCause(), e);
        }
    }

    /**
     * Asks the cluster once how many brokers it has: the clients would retry an unreachable cluster quietly
     * forever, so no answer within {@link KafkaErrors#FIRST_CONTACT_TIMEOUT} is said as such.
     */
    public static int brokers(Admin admin, String bootstrapServers) throws InterruptedException {
        return brokers(admin, bootstrapServers, KafkaClientConfig.NONE);
    }

    /**
     * As {@link #brokers(Admin, String)}: the first contact, where a refused login or TLS handshake shows; each is
     * said in one line ({@link KafkaErrors#explain}).
     */
    public static int brokers(Admin admin, String bootstrapServers, KafkaClientConfig client)
            throws InterruptedException {
        try {
            return admin.describeCluster().nodes().get(KafkaErrors.FIRST_CONTACT_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS).size();
        } catch (TimeoutException | ExecutionException e) {
            BrokerException explained = KafkaErrors.explain(e, bootstrapServers, client, "use");
            throw explained != null ? explained : KafkaErrors.unreachable(bootstrapServers, client, e);
        }
    }

    /**
     * Creates each of {@code topics} that is missing; one that already exists is kept as it is. Creating topics
     * explicitly (rather than relying on the broker's auto-creation) gives them the partitions and replication the
     * examples need. Returns the topics it created.
     */
    public static List<String> createIfMissing(Admin admin, String bootstrapServers, List<String> topics,
                                               int partitions, short replicationFactor, Map<String, String> configs)
            throws InterruptedException {
        return createIfMissing(admin, bootstrapServers, KafkaClientConfig.NONE, topics, partitions, replicationFactor,
                configs);
    }

    /** As above; a refused permission names the user ({@link KafkaErrors#explain}). */
    public static List<String> createIfMissing(Admin admin, String bootstrapServers, KafkaClientConfig client,
                                               List<String> topics, int partitions, short replicationFactor,
                                               Map<String, String> configs) throws InterruptedException {
        List<NewTopic> wanted = new ArrayList<>();
        for (String name : topics) {
            wanted.add(new NewTopic(name, partitions, replicationFactor).configs(configs));
        }
        List<String> created = new ArrayList<>();
        for (var entry : admin.createTopics(wanted).values().entrySet()) {
            try {
                entry.getValue().get();
                created.add(entry.getKey());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    continue; // already there: keep it as it is
                }
                if (e.getCause() instanceof TopicAuthorizationException) {
                    // Not ours to create; it may exist, and we may still write or read it (the usual set-up: topics
                    // made by an operator, applications allowed only to use them). Their first use says if not.
                    continue;
                }
                if (e.getCause() instanceof InvalidReplicationFactorException) {
                    // Only the producer chooses a replication factor (the consumer's topics copy what exists).
                    throw new BrokerException("cannot create topic '" + entry.getKey() + "' with replication factor "
                            + replicationFactor + ": " + e.getCause().getMessage()
                            + " Use --replication-factor no larger than the number of brokers.", e);
                }
                if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                    throw KafkaErrors.unreachable(bootstrapServers, client, e);
                }
                BrokerException explained = KafkaErrors.explain(e, bootstrapServers, client, "create");
                if (explained != null) {
                    throw explained;
                }
                throw new BrokerException("cannot create topic '" + entry.getKey() + "': " + e.getCause(), e);
            }
        }
        return created;
    }
}
