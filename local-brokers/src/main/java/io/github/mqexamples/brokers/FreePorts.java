package io.github.mqexamples.brokers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Ports for brokers started here: never assume 5672 or 9092 are ours. */
public final class FreePorts {

    private FreePorts() {
    }

    /** Ports handed out by this JVM: never twice, even once their broker has stopped. */
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    /**
     * A port nothing listens on right now, below the range the OS draws the local ports of outgoing connections from
     * (/proc/sys/net/ipv4/ip_local_port_range, 32768-60999 by default). A port the OS picked from that range could be
     * taken by any client's connection before the broker binds it: a node's management listener once failed so
     * with eaddrinuse. Where the range cannot be read, the OS picks.
     */
    public static int next() {
        int below = ephemeralRangeStart();
        if (below > 11_000) {
            for (int attempt = 0; attempt < 200; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(10_000, below);
                if (GIVEN.contains(port)) {
                    continue;
                }
                try (ServerSocket socket = new ServerSocket()) {
                    socket.bind(new InetSocketAddress(port)); // every interface: free on each of them
                    if (GIVEN.add(port)) {
                        return port;
                    }
                } catch (IOException busy) {
                    // taken: try another
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            GIVEN.add(socket.getLocalPort());
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int ephemeralRangeStart() {
        // Read as a stream: Files.readString trusts the size /proc reports and returned only "3" of "32768 60999".
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            String range = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** True when something accepts connections on host:port. */
    public static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
