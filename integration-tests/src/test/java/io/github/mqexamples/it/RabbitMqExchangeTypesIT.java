package io.github.mqexamples.it;

import static io.github.mqexamples.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/rabbitmq.md section 9, as a person runs it: the jars, one process per consumer and per publish. Each
 * queue must get exactly the messages its bindings match, nothing more; a message nothing matches comes back.
 */
class RabbitMqExchangeTypesIT {

    static final Duration RUN = Duration.ofSeconds(90);
    static final Pattern RECEIVED = Pattern.compile("received '(.*)' \\(message id");

    static Map<String, String> env() {
        return Map.of("RABBITMQ_URL", Rabbit.broker().amqpUrl());
    }

    /** A consumer program, started and waited for until its queue is bound and it is consuming. */
    static Programs.Running consumer(String... args) {
        Programs.Running consumer = Programs.start("rabbitmq-consumer", env(), args);
        consumer.awaitLine(l -> l.contains("waiting for messages"), RUN);
        return consumer;
    }

    /** One run of the producer program; its exit code. */
    static Programs.Running publish(String... args) {
        Programs.Running run = Programs.run(RUN, "rabbitmq-producer", env(), args);
        assertTrue(run.exitCode() == 0 || run.exitCode() == 1, run.output());
        return run;
    }

    /** The bodies a consumer logged as received, in order. */
    static List<String> received(Programs.Running consumer) {
        List<String> bodies = new ArrayList<>();
        for (String line : consumer.lines()) {
            Matcher m = RECEIVED.matcher(line);
            if (m.find()) {
                bodies.add(m.group(1));
            }
        }
        return bodies;
    }

    /**
     * A consumer run with {@code --max-messages} its expected count exits once it has them; then its queue must be
     * empty, or it was routed more than its set (a surplus would have been prefetched, then requeued on close).
     */
    static void assertGotExactly(Set<String> expected, Programs.Running consumer, String queue) throws Exception {
        assertEquals(0, consumer.awaitExit(RUN), consumer.output());
        assertEquals(expected, new TreeSet<>(received(consumer)), consumer.output());
        assertEquals(expected.size(), received(consumer).size(), "each once: " + consumer.output());
        assertEquals(0, Rabbit.readyOnceConsumersLeft(queue), "nothing more than its set was routed to " + queue);
    }

    @Test
    void topicPatternsRouteEachKeyToExactlyTheQueuesItMatches() throws Exception {
        String exchange = Await.unique("logs");
        String errors = Await.unique("errors");
        String app = Await.unique("app");
        String all = Await.unique("all");
        String[] topic = {"--exchange", exchange, "--exchange-type", "topic"};
        Programs.Running errorsConsumer = consumer(cat(topic, "--queue", errors, "--binding-key", "*.error",
                "--max-messages", "2"));
        Programs.Running appConsumer = consumer(cat(topic, "--queue", app, "--binding-key", "app.#",
                "--max-messages", "2"));
        assertContains(appConsumer.output(), "queue '" + app + "' bound to exchange '" + exchange
                + "' with topic pattern 'app.#'");

        // Before the '#' queue exists, a key neither pattern matches is returned (mandatory) and reported.
        Programs.Running unroutable = publish(cat(topic, "--routing-key", "db.info", "--message", "db.info"));
        assertEquals(1, unroutable.exitCode(), unroutable.output());
        assertContains(unroutable.output(), "unroutable: no queue is bound to exchange '" + exchange
                + "' with routing key 'db.info'");

        Programs.Running allConsumer = consumer(cat(topic, "--queue", all, "--binding-key", "#",
                "--max-messages", "4"));
        for (String key : List.of("app.error", "db.error", "app.info.verbose", "audit")) {
            Programs.Running run = publish(cat(topic, "--routing-key", key, "--message", key));
            assertEquals(0, run.exitCode(), run.output());
        }
        assertGotExactly(Set.of("app.error", "db.error"), errorsConsumer, errors);
        assertGotExactly(Set.of("app.error", "app.info.verbose"), appConsumer, app);
        assertGotExactly(Set.of("app.error", "db.error", "app.info.verbose", "audit"), allConsumer, all);
    }

    @Test
    void fanoutGivesEverySubscriberEveryMessageAndAServerNamedQueueGoesWithItsConsumer() throws Exception {
        String exchange = Await.unique("news");
        String durable = Await.unique("archive");
        String[] fanout = {"--exchange", exchange, "--exchange-type", "fanout"};
        Programs.Running archive = consumer(cat(fanout, "--queue", durable, "--max-messages", "4"));
        Programs.Running listener = consumer(cat(fanout, "--queue", ""));
        Matcher named = Pattern.compile("server-named queue '(amq\\.gen-[^']+)'").matcher(listener.output());
        assertTrue(named.find(), listener.output());
        String serverNamed = named.group(1);
        assertContains(listener.output(), "queue '" + serverNamed + "' bound to exchange '" + exchange
                + "' with every message (fanout)");

        assertEquals(0, publish(cat(fanout, "--count", "3", "--message", "news")).exitCode());
        Await.until("the listener has all 3", RUN, () -> received(listener).size() == 3);
        listener.terminate();
        assertEquals(0, listener.awaitExit(RUN), listener.output());
        assertEquals(List.of("news #1", "news #2", "news #3"), received(listener));
        // Exclusive and auto-delete: the queue went with the consumer's connection...
        Await.until("the server-named queue is gone", RUN,
                () -> Await.orElse(false, () -> Rabbit.ready(serverNamed).isEmpty()));
        // ...so what is published now reaches only the subscriber with a queue of its own.
        assertEquals(0, publish(cat(fanout, "--message", "later")).exitCode());
        assertGotExactly(Set.of("news #1", "news #2", "news #3", "later"), archive, durable);
    }

    @Test
    void aHeadersExchangeMatchesAllOrAnyOfTheBindingHeaders() throws Exception {
        String exchange = Await.unique("reports");
        String allQueue = Await.unique("pdf-reports");
        String anyQueue = Await.unique("pdf-or-report");
        String[] headers = {"--exchange", exchange, "--exchange-type", "headers"};
        String[] binding = {"--binding-header", "format=pdf", "--binding-header", "type=report"};
        Programs.Running all = consumer(cat(cat(headers, binding), "--queue", allQueue, "--match", "all",
                "--max-messages", "1"));
        Programs.Running any = consumer(cat(cat(headers, binding), "--queue", anyQueue, "--match", "any",
                "--max-messages", "2"));
        assertContains(any.output(), "with any of the headers {format=pdf, type=report}");

        assertEquals(0, publish(cat(headers, "--header", "format=pdf,type=report", "--message", "pdf report"))
                .exitCode());
        assertEquals(0, publish(cat(headers, "--header", "format=pdf", "--message", "pdf only")).exitCode());
        Programs.Running neither = publish(cat(headers, "--header", "format=csv", "--message", "csv"));
        assertEquals(1, neither.exitCode(), "matches no binding: returned and reported\n" + neither.output());
        assertContains(neither.output(), "only 0 of 1 messages confirmed: 0 failed, 1 unroutable");

        assertGotExactly(Set.of("pdf report"), all, allQueue);
        assertGotExactly(Set.of("pdf report", "pdf only"), any, anyQueue);
    }

    @Test
    void combinationsThatMakeNoSenseAreRefusedWithExitCode2() {
        Programs.Running headerOnTopic = Programs.run(RUN, "rabbitmq-consumer", env(), "--exchange", "x",
                "--exchange-type", "topic", "--binding-header", "a=b");
        assertEquals(2, headerOnTopic.exitCode(), headerOnTopic.output());
        assertContains(headerOnTopic.output(), "--binding-header needs --exchange-type headers");
        Programs.Running noExchange = Programs.run(RUN, "rabbitmq-consumer", env(), "--queue", "");
        assertEquals(2, noExchange.exitCode(), noExchange.output());
        assertContains(noExchange.output(), "--queue '' (a server-named queue) needs --exchange");
        Programs.Running badType = Programs.run(RUN, "rabbitmq-producer", env(), "--exchange", "x",
                "--exchange-type", "x");
        assertEquals(2, badType.exitCode(), badType.output());
        assertContains(badType.output(),
                "invalid --exchange-type: 'x', expected one of direct, fanout, topic, headers");
    }

    static String[] cat(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
