package io.github.mqexamples.common.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.DefaultExceptionHandler;
import org.slf4j.Logger;

/**
 * What a program says about its connection, in its own lines: which node it is connected to, when the connection is
 * lost (where, and why in a few words), while it waits (a line every few seconds, however often the client tries), and
 * when it is back (where, after how long). A cluster's
 * addresses are tried in a random order, so the node after a loss is usually another one: the line says which.
 *
 * <p>It is also the client's exception handler, to keep the client's own WARN and ERROR lines, with their stack
 * traces, out of the terminal: they would say the same as these lines, less clearly.
 */
final class ConnectionLog extends DefaultExceptionHandler implements RecoveryListener {

    private final Logger log;
    private final AmqpUrl url;
    private volatile Connection connection;
    private volatile String node;
    private volatile long lostAt;
    private volatile long lastWaitLine;
    private static final long WAIT_LINE_EVERY_NANOS = 5_000_000_000L;

    ConnectionLog(Logger log, AmqpUrl url) {
        this.log = log;
        this.url = url;
    }

    /** The connection is open: say where, and from now on follow its losses and recoveries. */
    void opened(Connection connection) {
        this.connection = connection;
        this.node = nodeOf(connection);
        log.info("connected to RabbitMQ at {}{}", node, url.more().isEmpty() ? ""
                : " (one of " + url.addresses().size() + " addresses, picked at random)");
        connection.addShutdownListener(this::lost);
        ((Recoverable) connection).addRecoveryListener(this);
    }

    private void lost(ShutdownSignalException cause) {
        if (cause.isInitiatedByApplication()) {
            return; // our own close, at the end of the run
        }
        lostAt = System.nanoTime();
        lastWaitLine = lostAt;
        log.warn("lost the connection to RabbitMQ at {} ({}): reconnecting{}", node, reason(cause),
                url.more().isEmpty() ? "" : " to any of " + url.addresses().size() + " addresses");
    }

    /** A reconnection attempt failed; the client tries again (RabbitMqConnections.RECOVERY_DELAYS_MS). */
    @Override
    public void handleConnectionRecoveryException(Connection conn, Throwable exception) {
        long now = System.nanoTime();
        if (lastWaitLine == lostAt || now - lastWaitLine >= WAIT_LINE_EVERY_NANOS) { // the first, then every 5 s
            lastWaitLine = now;
            log.warn("still no connection to RabbitMQ after {} s ({}): still trying", secondsSinceLost(),
                    shortly(exception));
        }
    }

    @Override
    public void handleRecovery(Recoverable recoverable) {
        String before = node;
        node = nodeOf(connection);
        log.info("reconnected to RabbitMQ at {}{} after {} s", node, node.equals(before) ? "" : " (was " + before + ")",
                secondsSinceLost());
    }

    @Override
    public void handleRecoveryStarted(Recoverable recoverable) {
    }

    /** Said by {@link #lost} already; the client would add a WARN line with a stack trace. */
    @Override
    public void handleUnexpectedConnectionDriverException(Connection conn, Throwable exception) {
        org.slf4j.LoggerFactory.getLogger(RabbitMqConnections.class).debug("connection driver", exception);
    }

    private String secondsSinceLost() {
        return String.format("%.1f", (System.nanoTime() - lostAt) / 1e9);
    }

    static String nodeOf(Connection connection) {
        return connection.getAddress().getHostAddress() + ":" + connection.getPort();
    }

    /** "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'", "Connection reset", ... */
    static String reason(ShutdownSignalException cause) {
        if (cause.getReason() instanceof AMQP.Connection.Close close) {
            return close.getReplyText();
        }
        return cause.getCause() != null ? shortly(cause.getCause()) : "connection closed";
    }

    private static String shortly(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }
}
