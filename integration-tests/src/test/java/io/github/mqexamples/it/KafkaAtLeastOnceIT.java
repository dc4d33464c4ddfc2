package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertLacks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * Scenario 2: offsets are committed only after processing. A consumer killed with SIGKILL loses nothing: the
 * next member of the group reads again what was not committed. A graceful stop commits, and a restart reads
 * nothing twice.
 */
class KafkaAtLeastOnceIT {

    static final Duration RUN = Duration.ofSeconds(60);

    @Test
    void aKilledConsumerLosesNothingAndAStoppedOneRereadsNothing() throws Exception {
        String servers = TestBrokers.kafka().bootstrapServers();
        String topic = Await.unique("atleastonce");
        String group = topic + "-group";
        Map<String, String> env = KafkaTests.env(servers, topic, group);
        Programs.Running producer = Programs.run(RUN, "kafka-producer", env, "--count", "20", "--partitions", "1");
        assertEquals(0, producer.exitCode(), producer.output());

        // The first member is slow (500 ms a record) and is killed (SIGKILL: no shutdown hook, no commit)
        // while it processes its third record.
        Programs.Running first = Programs.start("kafka-consumer", env, "--work-ms", "500");
        first.awaitLine(l -> l.contains("value='Hello Kafka! #3'"), RUN);
        first.kill();
        assertNotEquals(0, first.awaitExit(RUN));
        List<Matcher> seenByFirst = KafkaTests.received(first);
        long committed = KafkaTests.committedTotal(servers, group, topic);
        assertTrue(committed < seenByFirst.size(),
                "the record in hand was not committed: committed " + committed + ", received " + seenByFirst.size());

        // The next member starts at the committed offset: it reads again what the first did not commit.
        Programs.Running second = Programs.start("kafka-consumer", env);
        Await.until("the second member read up to #20", RUN,
                () -> KafkaTests.receivedValues(second).contains("Hello Kafka! #20"));
        List<Matcher> seenBySecond = KafkaTests.received(second);
        assertEquals(committed, Long.parseLong(seenBySecond.get(0).group(3)), "resumed at the committed offset");
        List<String> expected = new ArrayList<>();
        for (long i = committed + 1; i <= 20; i++) {
            expected.add("Hello Kafka! #" + i);
        }
        assertEquals(expected, KafkaTests.receivedValues(second), "every uncommitted record, once, in order");
        String lastOfFirst = seenByFirst.get(seenByFirst.size() - 1).group(5);
        assertTrue(KafkaTests.receivedValues(second).contains(lastOfFirst), "the record in hand at the kill is not lost");

        // A graceful stop commits everything processed...
        second.terminate();
        assertEquals(0, second.awaitExit(RUN), second.output());
        assertEquals(20, KafkaTests.committedTotal(servers, group, topic));

        // ...so a restarted member reads only what is new.
        Programs.Running more = Programs.run(RUN, "kafka-producer", env, "--message", "after the restart");
        assertEquals(0, more.exitCode(), more.output());
        Programs.Running third = Programs.run(RUN, "kafka-consumer", env, "--max-messages", "1");
        assertEquals(0, third.exitCode(), third.output());
        assertEquals(List.of("after the restart"), KafkaTests.receivedValues(third));
        assertLacks(third.output(), "Hello Kafka! #");
    }
}
