package io.github.mqexamples.brokers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private RabbitMQ node started from the installed {@code rabbitmq-server} (Debian's package), with the
 * management plugin, on its own ports and with all its files in a temporary directory. It does not touch a
 * RabbitMQ service the machine may already run. {@link #stop()} and {@link #start()} restart the same node
 * on the same data; {@link #close()} also deletes it.
 */
public final class LocalRabbitMq implements AutoCloseable {

    /** The server script that runs the node in the foreground as the current user. */
    public static final Path SERVER = Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server");

    /**
     * Runs the server ($0) and stops it when this JVM ($1) is gone, even if the JVM was killed outright and
     * never ran its shutdown hooks: a private node must not outlive the tests or the program that started it.
     * SIGTERM to this shell stops the server the same way.
     */
    private static final String WATCHDOG = String.join("\n",
            "\"$0\" & server=$!",
            "stop() { kill -TERM $server 2>/dev/null; wait $server; exit 0; }",
            "trap stop TERM INT",
            "while kill -0 $server 2>/dev/null; do",
            "  kill -0 \"$1\" 2>/dev/null || stop",
            "  sleep 1 & wait $!",
            "done",
            "wait $server");

    /**
     * An {@code amqps} listener next to the plain one: the node presents {@code certFile} (signed by {@code caFile}),
     * and verifies a client certificate against {@code caFile} when one is sent; with {@code requireClientCertificate}
     * a client without one is refused during the handshake. A port of 0 picks a free one.
     */
    public record Tls(int port, Path caFile, Path certFile, Path keyFile, boolean requireClientCertificate) {
        /** Server authentication with {@code certificates}' server certificate; client certificates optional. */
        public static Tls of(Certificates certificates) {
            return new Tls(0, certificates.ca(), certificates.serverCert(), certificates.serverKey(), false);
        }

        public Tls requiringClientCertificate() {
            return new Tls(port, caFile, certFile, keyFile, true);
        }

        public Tls presenting(Path cert, Path key) {
            return new Tls(port, caFile, cert, key, requireClientCertificate);
        }

        public Tls onPort(int amqpsPort) {
            return new Tls(amqpsPort, caFile, certFile, keyFile, requireClientCertificate);
        }
    }

    private final Path home;
    private final int amqpPort;
    private final int managementPort;
    private final int distPort;
    private final String nodeName;
    private final boolean epmdWasRunning;
    private final boolean temporary;
    private final Tls tls;
    private Process process;

    private LocalRabbitMq(Path home, boolean temporary, int amqpPort, int managementPort, Tls tls) {
        this.home = home;
        this.tls = tls == null || tls.port() != 0 ? tls : tls.onPort(FreePorts.next());
        this.temporary = temporary;
        this.amqpPort = amqpPort;
        this.managementPort = managementPort;
        this.distPort = FreePorts.next();
        this.nodeName = "mq-examples-" + amqpPort + "@localhost";
        this.epmdWasRunning = FreePorts.answers("127.0.0.1", 4369);
    }

    public static boolean installed() {
        return Files.isExecutable(SERVER);
    }

    /** Starts a node in a temporary directory; a port of 0 picks a free one. Takes about 5 s. */
    public static LocalRabbitMq launch(int amqpPort, int managementPort) {
        return launch(amqpPort, managementPort, null);
    }

    /**
     * Starts a node keeping its data in {@code dataDir} (null: a temporary directory, deleted by {@link #close()}).
     * Started again on the same directory and AMQP port, it is the same node with the same queues and messages.
     */
    public static LocalRabbitMq launch(int amqpPort, int managementPort, Path dataDir) {
        return launch(amqpPort, managementPort, dataDir, null);
    }

    /** As {@link #launch(int, int, Path)}, with an {@code amqps} listener too unless {@code tls} is null. */
    public static LocalRabbitMq launch(int amqpPort, int managementPort, Path dataDir, Tls tls) {
        if (!installed()) {
            throw new IllegalStateException(SERVER + " not found: install RabbitMQ (apt-get install -y rabbitmq-server)"
                    + " or run the brokers with Docker (docker compose up -d)");
        }
        try {
            Path home = dataDir == null ? Files.createTempDirectory("mq-examples-rabbitmq-")
                    : Files.createDirectories(dataDir.resolve("rabbitmq"));
            return start(home, dataDir == null, amqpPort, managementPort, tls);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Configures and starts a node with its files in {@code home}; a port of 0 picks a free one. */
    private static LocalRabbitMq start(Path home, boolean temporary, int amqpPort, int managementPort, Tls tls)
            throws IOException {
        LocalRabbitMq node = new LocalRabbitMq(home, temporary, amqpPort == 0 ? FreePorts.next() : amqpPort,
                managementPort == 0 ? FreePorts.next() : managementPort, tls);
        node.writeConfig();
        node.start();
        return node;
    }

    /**
     * A node of a {@link LocalRabbitMqCluster}: its files in {@code home}, which it keeps (the cluster deletes them), and
     * the Erlang cookie all the nodes of a cluster share (a node lets in only nodes and tools that know it).
     */
    static LocalRabbitMq launchClusterNode(int amqpPort, int managementPort, Path home, String cookie) {
        if (!installed()) {
            throw new IllegalStateException(SERVER + " not found: install RabbitMQ (apt-get install -y rabbitmq-server)");
        }
        try {
            Files.createDirectories(home);
            Path cookieFile = home.resolve(".erlang.cookie");
            Files.writeString(cookieFile, cookie);
            // Erlang refuses a cookie file that others may read.
            Files.setPosixFilePermissions(cookieFile, java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
            return start(home, false, amqpPort, managementPort, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** On free ports: for tests. */
    public static LocalRabbitMq launch() {
        return launch(0, 0);
    }

    /** amqp://guest:guest@127.0.0.1:PORT/ (guest may log in over loopback only, which this is). */
    public String amqpUrl() {
        return "amqp://guest:guest@127.0.0.1:" + amqpPort + "/";
    }

    public int amqpPort() {
        return amqpPort;
    }

    /** The amqps listener's port; fails if the node has none. */
    public int amqpsPort() {
        if (tls == null) {
            throw new IllegalStateException("this node was started without TLS");
        }
        return tls.port();
    }

    public int managementPort() {
        return managementPort;
    }

    /** The node's name for rabbitmqctl -n and epmd, e.g. mq-examples-5672@localhost. */
    public String nodeName() {
        return nodeName;
    }

    /** Started, and not stopped or killed since. */
    public synchronized boolean running() {
        return process != null;
    }

    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    private void writeConfig() throws IOException {
        Files.createDirectories(home.resolve("mnesia"));
        Files.createDirectories(home.resolve("log"));
        // With TLS, clients may also log in by their certificate (SASL EXTERNAL, user = the certificate's CN).
        Files.writeString(home.resolve("enabled_plugins"), tls == null ? "[rabbitmq_management].\n"
                : "[rabbitmq_management,rabbitmq_auth_mechanism_ssl].\n");
        // The management listener binds 127.0.0.1 only: its default (all interfaces, IPv4 and IPv6) fails
        // with eaddrinuse on some machines.
        Files.writeString(home.resolve("rabbitmq.conf"), String.join("\n",
                "listeners.tcp.default = 127.0.0.1:" + amqpPort,
                "management.tcp.ip = 127.0.0.1",
                "management.tcp.port = " + managementPort,
                // Queue statistics (messages ready, unacknowledged) every second instead of every 5 s, so the
                // management UI and API follow what the consumers do closely.
                "collect_statistics_interval = 1000",
                tlsConfig()));
        // A quorum queue reports its statistics on its own timer, every 5 s by default (not a rabbitmq.conf
        // setting in 3.10): every second, like the rest.
        Files.writeString(home.resolve("advanced.config"), "[{rabbit, [{quorum_tick_interval, 1000}]}].\n");
        Files.writeString(home.resolve("rabbitmq-env.conf"), "");
    }

    private String tlsConfig() {
        if (tls == null) {
            return "";
        }
        // verify_peer: a client certificate, when sent, must be signed by the CA; fail_if_no_peer_cert decides
        // whether one must be sent at all.
        return String.join("\n",
                "listeners.ssl.default = 127.0.0.1:" + tls.port(),
                "ssl_options.cacertfile = " + tls.caFile().toAbsolutePath(),
                "ssl_options.certfile = " + tls.certFile().toAbsolutePath(),
                "ssl_options.keyfile = " + tls.keyFile().toAbsolutePath(),
                "ssl_options.verify = verify_peer",
                "ssl_options.fail_if_no_peer_cert = " + tls.requireClientCertificate(),
                "auth_mechanisms.1 = PLAIN",
                "auth_mechanisms.2 = AMQPLAIN",
                "auth_mechanisms.3 = EXTERNAL",
                "ssl_cert_login_from = common_name",
                "");
    }

    /** Starts (or restarts) the node and waits until AMQP and the management API answer. */
    public synchronized void start() {
        if (process != null) {
            return;
        }
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", WATCHDOG, SERVER.toString(),
                String.valueOf(ProcessHandle.current().pid()));
        Map<String, String> env = builder.environment();
        env.put("HOME", home.toString()); // the Erlang cookie lives here
        env.put("RABBITMQ_NODENAME", nodeName);
        env.put("RABBITMQ_NODE_PORT", String.valueOf(amqpPort));
        env.put("RABBITMQ_DIST_PORT", String.valueOf(distPort));
        env.put("RABBITMQ_MNESIA_BASE", home.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", home.resolve("log").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", home.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_CONFIG_FILE", home.resolve("rabbitmq.conf").toString());
        env.put("RABBITMQ_ADVANCED_CONFIG_FILE", home.resolve("advanced.config").toString());
        env.put("RABBITMQ_CONF_ENV_FILE", home.resolve("rabbitmq-env.conf").toString());
        // Loopback only, like the listeners: the Erlang distribution port (which rabbitmqctl uses, and which lets
        // whoever knows the cookie run code in the node) and an epmd this node may start. Without these both listen
        // on every interface.
        env.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
        env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("server.out").toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady(Duration.ofSeconds(90));
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("RabbitMQ node " + nodeName + " exited with code "
                        + process.exitValue() + ":\n" + outputTail());
            }
            if (FreePorts.answers("127.0.0.1", amqpPort) && managementAnswers(http)
                    && (tls == null || FreePorts.answers("127.0.0.1", tls.port()))) {
                return;
            }
            try {
                process.waitFor(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting RabbitMQ", e);
            }
        }
        throw new IllegalStateException("RabbitMQ node " + nodeName + " not ready after " + timeout + ":\n"
                + outputTail());
    }

    private boolean managementAnswers(HttpClient http) {
        try {
            HttpResponse<String> response = http.send(managementRequest("/api/overview").build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Runs {@code rabbitmqctl ARGS} against this node (e.g. {@code set_vm_memory_high_watermark absolute 1}, which
     * raises a memory alarm) and returns its output; fails if it exits non-zero.
     */
    public String ctl(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(SERVER.resolveSibling("rabbitmqctl").toString(),
                "-n", nodeName));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("HOME", home.toString()); // the Erlang cookie the node was started with
        builder.environment().put("RABBITMQ_CONF_ENV_FILE", home.resolve("rabbitmq-env.conf").toString());
        try {
            Process ctl = builder.start();
            String output = new String(ctl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!ctl.waitFor(60, TimeUnit.SECONDS) || ctl.exitValue() != 0) {
                throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: rabbitmqctl " + String.join(" ", args), e);
        }
    }

    /** A request to the management HTTP API as guest, e.g. {@code /api/queues/%2F/hello}. */
    public HttpRequest.Builder managementRequest(String path) {
        return HttpRequest.newBuilder(URI.create(managementUrl() + path))
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8)));
    }

    private String outputTail() {
        try {
            List<String> lines = Files.readAllLines(home.resolve("server.out"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /**
     * Stops the node, keeping its data for {@link #start()}. SIGTERM to the server script makes the Erlang VM
     * shut down cleanly (queues and messages flushed to disk) in a few seconds.
     */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            for (ProcessHandle child : descendants) {
                if (child.isAlive()) {
                    child.destroy();
                    child.onExit().get(10, TimeUnit.SECONDS);
                }
            }
        } catch (Exception e) {
            descendants.forEach(ProcessHandle::destroyForcibly);
        }
        process = null;
    }

    /**
     * Kills the node outright (SIGKILL to the Erlang VM), as a crash or a power cut would: no clean shutdown, nothing
     * flushed that was not already on disk. {@link #start()} brings it back on its data.
     */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.stream().filter(p -> p.info().command().orElse("").endsWith("beam.smp"))
                .forEach(ProcessHandle::destroyForcibly);
        try {
            for (ProcessHandle child : descendants) {
                child.onExit().get(30, TimeUnit.SECONDS);
            }
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            descendants.forEach(ProcessHandle::destroyForcibly);
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
        if (!epmdWasRunning) {
            stopEpmdIfUnused();
        }
        if (temporary) {
            Directories.deleteRecursively(home);
        }
    }

    /** Erlang starts the epmd daemon if none runs; when we started it and no node uses it, stop it again. */
    private static void stopEpmdIfUnused() {
        Path epmd = Path.of("/usr/bin/epmd");
        if (!Files.isExecutable(epmd)) {
            return;
        }
        try {
            Process names = new ProcessBuilder(epmd.toString(), "-names").redirectErrorStream(true).start();
            String out = new String(names.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            names.waitFor(5, TimeUnit.SECONDS);
            if (!out.contains("name ")) {
                new ProcessBuilder(epmd.toString(), "-kill").redirectErrorStream(true).start()
                        .waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            // best effort
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
