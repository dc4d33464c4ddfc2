package io.github.mqexamples.brokers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool$;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real Kafka cluster in this JVM: one KRaft controller and {@code brokers} brokers (node ids 1, 2, 3...), each
 * with its own port and data directory. Internal topics keep 3 copies and need 2 in sync, like a production
 * cluster, and so do new topics by default. {@link #stopBroker(int)} takes one broker away (a controlled
 * shutdown), {@link #startBroker(int)} brings it back on the same data.
 *
 * <p>{@link #launchWithBrokerProcesses(int)} runs each broker in a JVM of its own instead (the controller stays
 * here), so that {@link #killBroker(int)} can end one the way a crash does: SIGKILL, no goodbye to the controller
 * or the clients, requests in flight left unanswered.
 *
 * <p>One controller plus brokers, rather than three combined broker-controllers: three combined KRaft nodes do
 * not start in one JVM.
 */
public final class LocalKafkaCluster implements AutoCloseable {

    private static final int CONTROLLER_ID = 100;

    private final Path dataDir;
    private final int controllerPort;
    private final Map<Integer, Integer> brokerPorts = new LinkedHashMap<>();
    private final boolean brokerProcesses;
    private final Map<Integer, KafkaRaftServer> running = new LinkedHashMap<>();
    private final Map<Integer, Process> processes = new LinkedHashMap<>();
    private KafkaRaftServer controller;

    private LocalKafkaCluster(Path dataDir, int brokers, int firstPort, boolean brokerProcesses) {
        this.dataDir = dataDir;
        this.brokerProcesses = brokerProcesses;
        this.controllerPort = FreePorts.next();
        for (int id = 1; id <= brokers; id++) {
            brokerPorts.put(id, firstPort == 0 ? FreePorts.next() : firstPort + id - 1);
        }
    }

    /** Formats and starts a controller and {@code brokers} brokers on free ports; returns once all answer. */
    public static LocalKafkaCluster launch(int brokers) {
        return launch(brokers, 0);
    }

    /** As {@link #launch(int)}, the brokers on ports {@code firstPort}, {@code firstPort + 1}...; 0 = free ports. */
    public static LocalKafkaCluster launch(int brokers, int firstPort) {
        return launch(brokers, firstPort, false);
    }

    /**
     * As {@link #launch(int)}, each broker in a child JVM ({@link KafkaBrokerProcess}) on this JVM's class path,
     * so that {@link #killBroker(int)} can kill it outright. The child JVMs are killed when this one exits.
     */
    public static LocalKafkaCluster launchWithBrokerProcesses(int brokers) {
        return launch(brokers, 0, true);
    }

    private static LocalKafkaCluster launch(int brokers, int firstPort, boolean brokerProcesses) {
        try {
            LocalKafkaCluster cluster = new LocalKafkaCluster(Files.createTempDirectory("mq-examples-kafka-cluster-"),
                    brokers, firstPort, brokerProcesses);
            String clusterId = Uuid.randomUuid().toString();
            cluster.format(cluster.controllerProperties(), "controller", clusterId);
            for (int id : cluster.brokerPorts.keySet()) {
                cluster.format(cluster.brokerProperties(id), "broker-" + id, clusterId);
            }
            cluster.controller = new KafkaRaftServer(KafkaConfig.fromProps(cluster.controllerProperties(), false),
                    Time.SYSTEM);
            cluster.controller.startup();
            for (int id : cluster.brokerPorts.keySet()) {
                cluster.startBroker(id);
            }
            cluster.awaitBrokers(brokers, Duration.ofSeconds(90));
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** host:port of every broker, as a client's bootstrap.servers. */
    public String bootstrapServers() {
        return brokerPorts.values().stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    public List<Integer> brokerIds() {
        return new ArrayList<>(brokerPorts.keySet());
    }

    /** Where broker {@code id} keeps its partitions (log.dirs): a directory per partition, such as topic-0. */
    public Path logDir(int id) {
        return dataDir.resolve("broker-" + id);
    }

    /** host:port of broker {@code id} alone. */
    public String bootstrapServer(int id) {
        return "127.0.0.1:" + brokerPorts.get(id);
    }

    private Properties common() {
        Properties p = new Properties();
        p.put("controller.quorum.voters", CONTROLLER_ID + "@127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        return p;
    }

    private Properties controllerProperties() {
        Properties p = common();
        p.put("process.roles", "controller");
        p.put("node.id", String.valueOf(CONTROLLER_ID));
        p.put("listeners", "CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("log.dirs", dataDir.resolve("controller").toString());
        // In KRaft the controller owns the cluster-wide default of min.insync.replicas (KIP-966).
        p.put("min.insync.replicas", String.valueOf(Math.min(2, brokerPorts.size())));
        return p;
    }

    private Properties brokerProperties(int id) {
        int port = brokerPorts.get(id);
        Properties p = common();
        p.put("process.roles", "broker");
        p.put("node.id", String.valueOf(id));
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir(id).toString());
        // Every copy counts: 3 replicas, of which 2 must have a record before acks=all is answered.
        String copies = String.valueOf(Math.min(3, brokerPorts.size()));
        String inSync = String.valueOf(Math.min(2, brokerPorts.size()));
        p.put("default.replication.factor", copies);
        p.put("min.insync.replicas", inSync);
        p.put("offsets.topic.replication.factor", copies);
        p.put("transaction.state.log.replication.factor", copies);
        p.put("transaction.state.log.min.isr", inSync);
        p.put("share.coordinator.state.topic.replication.factor", copies);
        p.put("share.coordinator.state.topic.min.isr", inSync);
        p.put("num.partitions", "3");
        p.put("group.initial.rebalance.delay.ms", "0");
        return p;
    }

    private void format(Properties properties, String name, String clusterId) throws IOException {
        Path config = dataDir.resolve(name + ".properties");
        try (var out = Files.newOutputStream(config)) {
            properties.store(out, "mq-examples local Kafka cluster: " + name);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int code = StorageTool$.MODULE$.execute(new String[] {"format", "-t", clusterId, "-c", config.toString()},
                new PrintStream(output, true, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new IllegalStateException("formatting Kafka storage of " + name + " failed: " + output);
        }
    }

    /** Starts (or restarts, on its data) broker {@code id}. */
    public synchronized void startBroker(int id) {
        if (running.containsKey(id) || processes.containsKey(id)) {
            return;
        }
        if (brokerProcesses) {
            processes.put(id, startProcess(id));
            return;
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(brokerProperties(id), false), Time.SYSTEM);
        server.startup();
        running.put(id, server);
    }

    private Process startProcess(int id) {
        return KafkaBrokerProcess.start(brokerProperties(id), dataDir.resolve("broker-" + id + "-process.properties"),
                dataDir.resolve("broker-" + id + ".log"));
    }

    /**
     * Stops broker {@code id} (a controlled shutdown: its partitions' leadership moves to the others before it
     * goes). A broker in its own JVM gets SIGTERM, as from {@code kafka-server-stop.sh}.
     */
    public synchronized void stopBroker(int id) {
        KafkaRaftServer server = running.remove(id);
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
        }
        Process process = processes.remove(id);
        if (process != null) {
            KafkaBrokerProcess.stop(process, Duration.ofSeconds(60));
        }
    }

    /**
     * Kills broker {@code id} with SIGKILL, like {@code kill -9} or a machine losing power: no controlled
     * shutdown, connections cut with requests in flight. The controller notices only when its heartbeats stop
     * (broker.session.timeout.ms, 9 s); until then the partitions it led have no leader that answers. Only for a
     * cluster from {@link #launchWithBrokerProcesses(int)}.
     */
    public synchronized void killBroker(int id) {
        Process process = processes.remove(id);
        if (process == null) {
            throw new IllegalStateException("broker " + id + " is not a running broker process: only a cluster from"
                    + " launchWithBrokerProcesses can have a broker killed");
        }
        KafkaBrokerProcess.kill(process);
    }

    /**
     * Freezes broker {@code id} with SIGSTOP, like a broker that hangs (a long GC pause, a stuck disk): its
     * connections stay open and take requests, and nothing answers them, not even the followers' fetches.
     * {@link #thawBroker(int)} lets it go on (SIGCONT); {@link #killBroker(int)} still kills it. Only for a cluster
     * from {@link #launchWithBrokerProcesses(int)}, on a system with {@code kill}.
     */
    public synchronized void freezeBroker(int id) {
        signal(id, "STOP");
    }

    /** Lets a frozen broker go on where it stopped (SIGCONT). */
    public synchronized void thawBroker(int id) {
        signal(id, "CONT");
    }

    private void signal(int id, String signal) {
        Process process = processes.get(id);
        if (process == null) {
            throw new IllegalStateException("broker " + id + " is not a running broker process");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitBrokers(int count, Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(p)) {
            while (System.nanoTime() < deadline) {
                for (var child : processes.entrySet()) {
                    if (!child.getValue().isAlive()) {
                        throw new IllegalStateException("Kafka broker " + child.getKey() + " (a child JVM) exited"
                                + " while starting; its output is in " + dataDir.resolve("broker-" + child.getKey()
                                + ".log") + ":\n" + tail(dataDir.resolve("broker-" + child.getKey() + ".log")));
                    }
                }
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= count) {
                        return;
                    }
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                } catch (Exception e) {
                    last = e;
                }
            }
        }
        throw new IllegalStateException("the Kafka cluster did not have " + count + " brokers within " + timeout, last);
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /**
     * For people: {@code java -cp local-brokers/target/local-brokers.jar io.github.mqexamples.brokers.LocalKafkaCluster}
     * starts three brokers on ports 9192, 9193 and 9194 (or from the port given as the first argument), then
     * reads commands from the terminal: {@code stop N} and {@code start N} for broker N; Ctrl-C (or end of input)
     * stops everything and deletes the data.
     */
    public static void main(String[] args) throws Exception {
        if (System.getenv("LOG_LEVEL") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.kafka", "error");
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        }
        int firstPort = args.length > 0 ? Integer.parseInt(args[0]) : 9192;
        LocalKafkaCluster cluster = launch(3, firstPort);
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "stop-kafka-cluster"));
        System.out.println("Kafka cluster ready: " + cluster.bootstrapServers()
                + " (brokers 1, 2, 3; replication factor 3, min.insync.replicas 2)");
        System.out.println("Type 'stop N' or 'start N' and Enter to stop or restart broker N; Ctrl-C to end.");
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.trim().split("\\s+");
            if (words.length == 2 && words[1].matches("\\d+") && cluster.brokerPorts.containsKey(Integer.parseInt(words[1]))) {
                int id = Integer.parseInt(words[1]);
                if (words[0].equals("stop")) {
                    cluster.stopBroker(id);
                    System.out.println("broker " + id + " stopped");
                    continue;
                } else if (words[0].equals("start")) {
                    cluster.startBroker(id);
                    System.out.println("broker " + id + " started");
                    continue;
                }
            }
            if (!line.isBlank()) {
                System.out.println("commands: stop N, start N (N = 1, 2 or 3)");
            }
        }
        System.exit(0);
    }

    @Override
    public synchronized void close() {
        for (int id : new ArrayList<>(running.keySet())) {
            stopBroker(id);
        }
        // The data goes with them: no controlled shutdown to wait for.
        for (int id : new ArrayList<>(processes.keySet())) {
            killBroker(id);
        }
        if (controller != null) {
            controller.shutdown();
            controller.awaitShutdown();
            controller = null;
        }
        Directories.deleteRecursively(dataDir);
    }
}
