package io.github.mqexamples.common.rabbitmq;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import io.github.mqexamples.common.BrokerException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Opens the one long-lived connection a program uses, and explains in one line why it could not. */
public final class RabbitMqConnections {

    /** Connect and handshake timeouts: an unreachable broker is reported within seconds, not minutes. */
    static final int CONNECT_TIMEOUT_MS = 5_000;

    private RabbitMqConnections() {
    }

    /**
     * Opens a connection named {@code clientName} (the name shows in the management UI's Connections tab).
     * Automatic recovery stays on (the client's default): after a network blip or broker restart the client
     * reconnects and re-opens channels and consumers by itself.
     */
    public static Connection connect(AmqpUrl url, String clientName) {
        return connect(url, clientName, 0);
    }

    /**
     * As {@link #connect(AmqpUrl, String)}, with at least {@code dispatchThreads} threads to run consumers on. The
     * client runs each channel's consumer callbacks one at a time, on a pool of as many threads as processors by default;
     * channels consuming at once (--concurrency) need a thread each. Idle threads end after a minute.
     */
    public static Connection connect(AmqpUrl url, String clientName, int dispatchThreads) {
        ConnectionFactory factory = new ConnectionFactory();
        if (dispatchThreads > Runtime.getRuntime().availableProcessors()) {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(dispatchThreads, dispatchThreads, 1, TimeUnit.MINUTES,
                    new LinkedBlockingQueue<>(), runnable -> {
                        Thread thread = new Thread(runnable, clientName + "-dispatch");
                        thread.setDaemon(true);
                        return thread;
                    });
            pool.allowCoreThreadTimeOut(true);
            factory.setSharedExecutor(pool);
        }
        try {
            url.configure(factory);
        } catch (Exception e) {
            throw new BrokerException("invalid RabbitMQ URL " + url.masked() + ": " + e.getMessage());
        }
        factory.setConnectionTimeout(CONNECT_TIMEOUT_MS);
        factory.setHandshakeTimeout(CONNECT_TIMEOUT_MS);
        factory.setAutomaticRecoveryEnabled(true);
        try {
            return factory.newConnection(clientName);
        } catch (IOException | TimeoutException e) {
            throw explain(url, e);
        }
    }

    /**
     * After a connection loss, waits for the client to reconnect by itself (automatic recovery) and re-open
     * {@code channel}; a BrokerException if it has not within {@code timeout}.
     */
    public static void awaitRecovery(Channel channel, AmqpUrl url, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!channel.isOpen()) {
            if (System.nanoTime() > deadline) {
                throw new BrokerException("the connection to RabbitMQ at " + url.address()
                        + " was lost and did not come back within " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    static BrokerException explain(AmqpUrl url, Exception e) {
        String where = "RabbitMQ at " + url.address();
        String check = " Check that the broker is running (docker compose up -d rabbitmq, or the local-brokers jar),"
                + " and the host and port in --url / RABBITMQ_URL (now " + url.masked() + ").";
        if (e instanceof AuthenticationFailureException || e instanceof PossibleAuthenticationFailureException) {
            return new BrokerException(where + " refused the login of user '" + url.user()
                    + "': authentication failed. Check the user name and password in --url / RABBITMQ_URL.", e);
        }
        if (e instanceof ConnectException) {
            return new BrokerException("cannot reach " + where + " (connection refused)." + check, e);
        }
        if (e instanceof UnknownHostException) {
            return new BrokerException("cannot reach " + where + " (unknown host)." + check, e);
        }
        if (e instanceof SocketTimeoutException || e instanceof TimeoutException) {
            return new BrokerException("cannot reach " + where + " (no answer within "
                    + CONNECT_TIMEOUT_MS / 1000 + " s)." + check, e);
        }
        if (e.getCause() instanceof ShutdownSignalException s && s.getReason() != null
                && s.getMessage().contains("vhost")) {
            return new BrokerException(where + " refused the virtual host of " + url.masked() + ": "
                    + replyText(s) + ". Create it (rabbitmqctl add_vhost) or fix the path of --url.", e);
        }
        return new BrokerException("cannot connect to " + where + ": " + e + "." + check, e);
    }

    /** The broker's own words from a channel or connection close, e.g. "PRECONDITION_FAILED - inequivalent arg...". */
    static String replyText(ShutdownSignalException s) {
        if (s.getReason() instanceof com.rabbitmq.client.AMQP.Channel.Close close) {
            return close.getReplyText();
        }
        if (s.getReason() instanceof com.rabbitmq.client.AMQP.Connection.Close close) {
            return close.getReplyText();
        }
        return s.getMessage();
    }
}
