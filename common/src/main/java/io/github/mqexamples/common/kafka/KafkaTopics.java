package io.github.mqexamples.common.kafka;

import io.github.mqexamples.common.BrokerException;
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
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
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
        int timeoutMs = (int) KafkaErrors.FIRST_CONTACT_TIMEOUT.toMillis();
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs));
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
        try {
            return admin.describeCluster().nodes().get(KafkaErrors.FIRST_CONTACT_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS).size();
        } catch (TimeoutException | ExecutionException e) {
            throw KafkaErrors.unreachable(bootstrapServers, e);
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
                if (e.getCause() instanceof InvalidReplicationFactorException) {
                    // Only the producer chooses a replication factor (the consumer's topics copy what exists).
                    throw new BrokerException("cannot create topic '" + entry.getKey() + "' with replication factor "
                            + replicationFactor + ": " + e.getCause().getMessage()
                            + " Use --replication-factor no larger than the number of brokers.", e);
                }
                if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                    throw KafkaErrors.unreachable(bootstrapServers, e);
                }
                throw new BrokerException("cannot create topic '" + entry.getKey() + "': " + e.getCause(), e);
            }
        }
        return created;
    }
}
