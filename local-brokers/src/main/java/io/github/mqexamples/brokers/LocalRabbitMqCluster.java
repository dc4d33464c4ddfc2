package io.github.mqexamples.brokers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Three private RabbitMQ nodes joined into one cluster, without Docker: nodes 1, 2 and 3, each from the installed
 * {@code rabbitmq-server} ({@link LocalRabbitMq}) with ports of its own and the management plugin, sharing one Erlang
 * cookie. Nodes 2 and 3 join node 1 with {@code rabbitmqctl join_cluster}. A quorum queue declared there gets a member
 * on each node. {@link #stop(int)} stops one node cleanly, {@link #kill(int)} kills it, {@link #start(int)} brings it
 * back on its data; {@link #close()} stops them all and deletes their data.
 *
 * <p>A node that is started again finds the cluster through the nodes still running. Stopping all of them and starting
 * them again in another order is where RabbitMQ itself is particular: the last node to stop should be the first to
 * start, the others wait for it.
 */
public final class LocalRabbitMqCluster implements AutoCloseable {

    private final Path dataDir;
    private final List<LocalRabbitMq> nodes;

    private LocalRabbitMqCluster(Path dataDir, List<LocalRabbitMq> nodes) {
        this.dataDir = dataDir;
        this.nodes = nodes;
    }

    /** Three nodes on free ports: for tests. About 30 s. */
    public static LocalRabbitMqCluster launch() {
        return launch(0, 0);
    }

    /**
     * Three nodes with AMQP on {@code firstAmqpPort} and the two ports after it, the management UI on
     * {@code firstManagementPort} and the two after it (0: free ports).
     */
    public static LocalRabbitMqCluster launch(int firstAmqpPort, int firstManagementPort) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("mq-examples-rabbitmq-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String cookie = HexFormat.of().formatHex(new SecureRandom().generateSeed(16)).toUpperCase();
        // The three start side by side (a node takes about 5 s, most of it the Erlang VM booting), then join.
        List<CompletableFuture<LocalRabbitMq>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int amqp = firstAmqpPort == 0 ? 0 : firstAmqpPort + i;
            int management = firstManagementPort == 0 ? 0 : firstManagementPort + i;
            Path home = dataDir.resolve("node" + (i + 1));
            starting.add(CompletableFuture.supplyAsync(
                    () -> LocalRabbitMq.launchClusterNode(amqp, management, home, cookie)));
        }
        List<LocalRabbitMq> nodes = new ArrayList<>();
        try {
            for (CompletableFuture<LocalRabbitMq> node : starting) {
                nodes.add(node.join());
            }
            LocalRabbitMqCluster cluster = new LocalRabbitMqCluster(dataDir, nodes);
            for (LocalRabbitMq node : nodes.subList(1, nodes.size())) {
                // A node joins a cluster with its application stopped; it drops what it held alone (nothing yet).
                node.ctl("stop_app");
                node.ctl("join_cluster", nodes.get(0).nodeName());
                node.ctl("start_app");
            }
            return cluster;
        } catch (RuntimeException e) {
            // Every node that started, now or once it has: the ones in `nodes` too (their futures are complete).
            starting.forEach(s -> s.thenAccept(LocalRabbitMq::close));
            Directories.deleteRecursively(dataDir);
            throw e;
        }
    }

    /**
     * {@code amqp://guest:guest@127.0.0.1:P1/,127.0.0.1:P2,127.0.0.1:P3}: what {@code --url} takes for a cluster.
     */
    public String amqpUrl() {
        return nodes.get(0).amqpUrl() + nodes.subList(1, nodes.size()).stream()
                .map(n -> ",127.0.0.1:" + n.amqpPort()).collect(Collectors.joining());
    }

    /** Node {@code n}, 1 to 3. */
    public LocalRabbitMq node(int n) {
        return nodes.get(n - 1);
    }

    /** The number (1 to 3) of the node with this Erlang name (e.g. a quorum queue's leader), or of this AMQP port. */
    public int numberOf(String nodeNameOrPort) {
        for (int i = 0; i < nodes.size(); i++) {
            LocalRabbitMq node = nodes.get(i);
            if (node.nodeName().equals(nodeNameOrPort) || nodeNameOrPort.endsWith(":" + node.amqpPort())) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("no node " + nodeNameOrPort + " in this cluster");
    }

    /** Stops node {@code n} cleanly (its clients are told the node is shutting down), keeping its data. */
    public void stop(int n) {
        node(n).stop();
    }

    /** Kills node {@code n} (SIGKILL), as a crash would. */
    public void kill(int n) {
        node(n).kill();
    }

    /** Starts node {@code n} again on its data; it rejoins the cluster through the nodes running. */
    public void start(int n) {
        node(n).start();
    }

    /**
     * {@code rabbitmqctl list_queues name type leader members online}, asked of a node that runs: where each queue's
     * leader and members are, and which members are up.
     */
    public String queues() {
        RuntimeException last = null;
        for (LocalRabbitMq node : nodes) {
            if (node.running()) {
                try {
                    return node.ctl("list_queues", "--quiet", "name", "type", "leader", "members", "online");
                } catch (RuntimeException e) {
                    last = e;
                }
            }
        }
        throw last != null ? last : new IllegalStateException("no node runs");
    }

    @Override
    public void close() {
        // Killed, not stopped: a clean stop of a clustered node takes about 10 s, and the data goes anyway.
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).kill();
            nodes.get(i).close();
        }
        Directories.deleteRecursively(dataDir);
    }

    /**
     * For people: {@code java -cp local-brokers/target/local-brokers.jar io.github.mqexamples.brokers.LocalRabbitMqCluster}
     * starts three nodes with AMQP on ports 45672, 45673 and 45674 (or from the port given as the first argument) and
     * the management UI on 55672 to 55674, then reads commands from the terminal: {@code stop N}, {@code kill N} and
     * {@code start N} for node N, {@code queues}; Ctrl-C (or end of input) stops everything and deletes the data.
     */
    public static void main(String[] args) throws IOException {
        int firstPort = args.length > 0 ? Integer.parseInt(args[0]) : 45672;
        long t0 = System.nanoTime();
        LocalRabbitMqCluster cluster = launch(firstPort, firstPort + 10_000);
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "stop-rabbitmq-cluster"));
        System.out.printf("RabbitMQ cluster ready in %.0f s: %s (nodes 1, 2, 3)%n", (System.nanoTime() - t0) / 1e9,
                cluster.amqpUrl().replace("guest:guest@", "guest:****@"));
        for (int n = 1; n <= 3; n++) {
            System.out.println("node " + n + ": " + cluster.node(n).nodeName() + ", AMQP 127.0.0.1:"
                    + cluster.node(n).amqpPort() + ", management UI " + cluster.node(n).managementUrl() + " (guest/guest)");
        }
        System.out.println("Type 'stop N', 'kill N' or 'start N' and Enter to stop, kill or restart node N; 'queues' to"
                + " see each queue's leader and members; Ctrl-C to end.");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.trim().split("\\s+");
            try {
                if (words.length == 2 && words[1].matches("[123]")) {
                    int n = Integer.parseInt(words[1]);
                    switch (words[0]) {
                        case "stop" -> {
                            cluster.stop(n);
                            System.out.println("node " + n + " stopped");
                            continue;
                        }
                        case "kill" -> {
                            cluster.kill(n);
                            System.out.println("node " + n + " killed");
                            continue;
                        }
                        case "start" -> {
                            cluster.start(n);
                            System.out.println("node " + n + " started");
                            continue;
                        }
                        default -> { }
                    }
                } else if (words[0].equals("queues")) {
                    System.out.print(cluster.queues());
                    continue;
                }
            } catch (RuntimeException e) {
                System.out.println("failed: " + e.getMessage());
                continue;
            }
            if (!line.isBlank()) {
                System.out.println("commands: stop N, kill N, start N (N = 1, 2 or 3), queues");
            }
        }
        System.exit(0);
    }
}
