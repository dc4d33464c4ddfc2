package io.github.mqexamples.common.rabbitmq;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MalformedFrameException;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.RecoveryDelayHandler;
import com.rabbitmq.client.ShutdownSignalException;
import io.github.mqexamples.common.BrokerException;
import io.github.mqexamples.common.Log;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Opens the one long-lived connection a program uses, and explains in one line why it could not. */
public final class RabbitMqConnections {

    /** Connect and handshake timeouts: an unreachable broker is reported within seconds, not minutes. */
    static final int CONNECT_TIMEOUT_MS = 5_000;

    /**
     * The longest wait for the broker's answer to a request on a channel (declare, get, ...). Generous: a quorum queue
     * recovering after a crash can take many seconds to answer. But not the client's default of 10 minutes: a queue
     * that has lost the majority of its nodes answers nothing at all.
     */
    static final int RPC_TIMEOUT_MS = 60_000;

    /** The longest wait for the broker's goodbye when a program closes its connection. */
    static final int CLOSE_TIMEOUT_MS = 5_000;

    /**
     * Waits before the reconnection attempts after a connection loss: the first soon (in a cluster another node is
     * usually there at once), then less and less often, from the fourth on every 5 s (the client's default interval).
     */
    static final List<Long> RECOVERY_DELAYS_MS = List.of(500L, 1_000L, 2_000L, 5_000L);

    private RabbitMqConnections() {
    }

    /**
     * Opens a connection named {@code clientName} (the name shows in the management UI's Connections tab).
     * Automatic recovery stays on (the client's default): after a network blip or broker restart the client
     * reconnects and re-opens channels and consumers by itself. Given several addresses (a cluster), the client tries
     * them in a random order, on the first connection and on every reconnection: clients spread over the nodes, and a
     * lost node is replaced by another. The program's log says where it is connected, each time that changes.
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
        // A request the broker does not answer (a queue that has lost the majority of its nodes answers nothing)
        // fails after this, rather than after the client's default of 10 minutes.
        factory.setChannelRpcTimeout(RPC_TIMEOUT_MS);
        factory.setAutomaticRecoveryEnabled(true);
        factory.setRecoveryDelayHandler(new RecoveryDelayHandler.ExponentialBackoffDelayHandler(RECOVERY_DELAYS_MS));
        ConnectionLog log = new ConnectionLog(Log.forProgram(clientName), url);
        factory.setExceptionHandler(log);
        try {
            // newConnection shuffles the addresses itself (AddressResolver.maybeShuffle), each time it connects.
            Connection connection = factory.newConnection(url.addresses(), clientName);
            log.opened(connection);
            return connection;
        } catch (IOException | TimeoutException e) {
            throw explain(url, e);
        }
    }

    /**
     * Closes a connection, and its channels, at the end of a program: waits for the broker's goodbye at most
     * {@link #CLOSE_TIMEOUT_MS} (close() waits for ever, and a node whose queue has lost its majority may never send
     * it), and ends a reconnection still in progress.
     */
    public static void closeQuietly(Connection connection) {
        try {
            connection.abort(CLOSE_TIMEOUT_MS);
        } catch (RuntimeException e) {
            // already closed
        }
    }

    /** host:port of the node {@code connection} is connected to now. */
    public static String node(Connection connection) {
        return ConnectionLog.nodeOf(connection);
    }

    /**
     * After a connection loss, waits for the client to reconnect by itself (automatic recovery) and re-open
     * {@code channel}: true once it has, false if it has not within {@code timeout} (the caller gives up on what it
     * holds, and says so message by message). A channel the broker closed over an error of ours is a BrokerException.
     */
    public static boolean awaitRecovery(Channel channel, Duration timeout) throws InterruptedException {
        // A channel the broker closed over an error of ours (publishing where the user may not write, to an exchange
        // that does not exist) is not recovered: only a lost connection is. Say why at once instead of waiting.
        ShutdownSignalException why = channel.getCloseReason();
        if (why != null && !why.isHardError() && !why.isInitiatedByApplication()) {
            throw closedBy(why, "write to");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!channel.isOpen()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return true;
    }

    static BrokerException explain(AmqpUrl url, Exception e) {
        String where = "RabbitMQ at " + url.where();
        String check = " Check that the broker is running (docker compose up -d rabbitmq, or the local-brokers jar),"
                + " and the host and port in --url / RABBITMQ_URL (now " + url.masked() + ").";
        if (url.tls().external() && (e instanceof PossibleAuthenticationFailureException
                || cause(e, ShutdownSignalException.class) != null && String.valueOf(e.getCause()).contains("EXTERNAL"))) {
            return new BrokerException(where + " refused the login by client certificate (--auth-mechanism external)"
                    + detail(e) + ": it needs a user named after the certificate (by default its subject's CN, with"
                    + " rabbitmqctl add_user), permissions for it, and the rabbitmq_auth_mechanism_ssl plugin.", e);
        }
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
        if (e instanceof SocketTimeoutException) {
            return new BrokerException("cannot reach " + where + " (no answer within "
                    + CONNECT_TIMEOUT_MS / 1000 + " s)." + check, e);
        }
        SSLException tls = cause(e, SSLException.class);
        if (tls != null) {
            return TlsErrors.explain(url, e, tls);
        }
        if (url.secure() && (cause(e, java.net.SocketException.class) != null
                || cause(e, java.io.EOFException.class) != null)) {
            // With TLS 1.3 the broker refuses a client certificate after the handshake, and its alert can be lost
            // when the client's first write meets the closed socket: all that is left is "Connection reset".
            String alert = TlsErrors.alertAfterHandshake(url);
            if (alert != null) {
                return TlsErrors.explain(url, e, new SSLException(alert));
            }
        }
        // Connected, but what answered was no AMQP: a frame that makes no sense, or nothing at all within the
        // handshake timeout (an HTTP server waits for a request line that never comes).
        if (cause(e, MalformedFrameException.class) != null || e instanceof TimeoutException) {
            String detail = e instanceof TimeoutException ? "no AMQP reply within " + CONNECT_TIMEOUT_MS / 1000 + " s"
                    : "its reply is no AMQP frame";
            return TlsErrors.notAmqp(url, detail, e);
        }
        if (e.getCause() instanceof ShutdownSignalException s && s.getReason() != null) {
            String refused = accessRefused(replyText(s), "use");
            if (refused != null) {
                return new BrokerException(refused, e);
            }
            if (s.getMessage().contains("vhost")) {
                return new BrokerException(where + " refused the virtual host of " + url.masked() + ": "
                        + replyText(s) + ". Create it (rabbitmqctl add_vhost) or fix the path of --url.", e);
            }
        }
        return new BrokerException("cannot connect to " + where + ": " + e + "." + check, e);
    }

    private static final java.util.regex.Pattern ACCESS_REFUSED = java.util.regex.Pattern.compile(
            "ACCESS_REFUSED - access to (\\w+) '(.*)' in vhost '(.*)' refused for user '(.*)'");
    private static final java.util.regex.Pattern VHOST_REFUSED = java.util.regex.Pattern.compile(
            "access to vhost '(.*)' refused for user '(.*)'");

    /**
     * The broker's refusal of a user as one line naming the user, what was refused and how it was used ({@code verb}:
     * declare, write to, read from), e.g. "user 'alice' may not declare queue 'payments' in vhost '/' (ACCESS_REFUSED
     * - access to queue 'payments' in vhost '/' refused for user 'alice')"; null for any other reply. An exchange
     * refused while declaring a queue is the queue's dead-letter exchange, which the user must be able to write to.
     */
    public static String accessRefused(String reply, String verb) {
        if (reply == null) {
            return null;
        }
        java.util.regex.Matcher m = VHOST_REFUSED.matcher(reply);
        if (m.find()) {
            return "user '" + m.group(2) + "' may not use virtual host '" + m.group(1) + "' (" + reply + "): it has"
                    + " no permissions there; an administrator grants them with rabbitmqctl set_permissions -p "
                    + m.group(1) + " " + m.group(2) + " CONFIGURE WRITE READ.";
        }
        m = ACCESS_REFUSED.matcher(reply);
        if (!m.find()) {
            return null;
        }
        boolean deadLetters = verb.equals("declare") && m.group(1).equals("exchange");
        return "user '" + m.group(4) + "' may not " + (deadLetters ? "write to" : verb) + " " + m.group(1) + " '"
                + m.group(2) + "' in vhost '" + m.group(3) + "' (" + reply + ")"
                + (deadLetters ? ", which declaring a queue that dead-letters through it needs" : "")
                + ": its permissions do not cover it (rabbitmqctl list_user_permissions " + m.group(4) + ").";
    }

    /**
     * A channel the broker closed (a channel error such as ACCESS_REFUSED or NOT_FOUND) as one line; {@code verb}
     * says what the program was doing, as for {@link #accessRefused}.
     */
    public static BrokerException channelError(IOException e, String verb) {
        if (e.getCause() instanceof ShutdownSignalException s) {
            return closedBy(s, verb);
        }
        return new BrokerException("RabbitMQ: " + e, e);
    }

    static BrokerException closedBy(ShutdownSignalException s, String verb) {
        String reply = replyText(s);
        String refused = accessRefused(reply, verb);
        return new BrokerException(refused != null ? refused : "RabbitMQ closed the channel: " + reply, s);
    }

    /** " (the broker's reply)" when the failure carries one. */
    private static String detail(Exception e) {
        ShutdownSignalException s = cause(e, ShutdownSignalException.class);
        if (s != null && s.getReason() != null) {
            return " (" + replyText(s) + ")";
        }
        return e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
    }

    /** The first {@code type} in the cause chain of {@code e}, {@code e} included; null if none. */
    static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
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
