package io.github.mqexamples.common;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loggers for the programs. A person should see the program's own lines (what was sent, what was received,
 * what went wrong) and not the clients' INFO chatter such as Kafka's config dumps. simplelogger.properties sets
 * that up; the LOG_LEVEL environment variable (error, warn, info, debug, trace) turns everything up or down,
 * clients included. It must be applied before slf4j-simple starts, hence this class.
 */
public final class Log {
    static {
        String level = System.getenv("LOG_LEVEL");
        if (level != null && !level.isBlank()) {
            String l = level.trim().toLowerCase(java.util.Locale.ROOT);
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", l);
            System.setProperty("org.slf4j.simpleLogger.log.io.github.mqexamples", l);
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient", l);
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.clients.admin.internals.AdminMetadataManager",
                    l);
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.clients.Metadata", l);
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.clients.producer.internals.Sender", l);
            System.setProperty(
                    "org.slf4j.simpleLogger.log.org.apache.kafka.clients.producer.internals.TransactionManager", l);
            System.setProperty("org.slf4j.simpleLogger.log.com.rabbitmq.client.impl.SocketFrameHandler", l);
        }
    }

    private Log() {
    }

    /** The logger a program writes its own lines to; its short name (the program's name) shows in each line. */
    public static Logger forProgram(String program) {
        return LoggerFactory.getLogger("io.github.mqexamples." + program);
    }
}
