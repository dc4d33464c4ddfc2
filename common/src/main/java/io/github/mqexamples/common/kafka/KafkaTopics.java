package io.github.mqexamples.common.kafka;

import io.github.mqexamples.common.BrokerException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
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

    /** Creates each of {@code topics} that is missing; one that already exists is kept as it is. */
    public static void createIfMissing(Admin admin, List<String> topics, int partitions, short replicationFactor,
                                       Map<String, String> configs) throws InterruptedException {
        List<NewTopic> wanted = new ArrayList<>();
        for (String name : topics) {
            wanted.add(new NewTopic(name, partitions, replicationFactor).configs(configs));
        }
        var results = admin.createTopics(wanted).values();
        for (var entry : results.entrySet()) {
            try {
                entry.getValue().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new BrokerException("cannot create topic '" + entry.getKey() + "': " + e.getCause(), e);
                }
            }
        }
    }
}
