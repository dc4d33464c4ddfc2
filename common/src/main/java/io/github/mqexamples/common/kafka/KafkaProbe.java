package io.github.mqexamples.common.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * What listens at a host:port, asked with one Kafka request of our own (ApiVersions, which a broker answers before
 * any TLS or login). The Kafka client cannot tell: a TLS alert or an HTTP reply read as the length of a Kafka
 * response makes it allocate hundreds of MB (an OutOfMemoryError in its network thread), and a silent port is
 * only a timeout. Asked before a program's first client connects without TLS, and after a timeout.
 */
final class KafkaProbe {

    enum Verdict {
        /** The host name does not resolve. */
        UNKNOWN_HOST,
        /** Nothing listens (connection refused), or no connection within the time. */
        NOT_LISTENING,
        /** A Kafka answer without TLS: a PLAINTEXT or SASL_PLAINTEXT listener. */
        KAFKA_WITHOUT_TLS,
        /** A TLS alert: a TLS listener (SSL or SASL_SSL, or not Kafka at all). */
        TLS,
        /** An HTTP reply. */
        HTTP,
        /** Connected, and then nothing, or bytes that are none of the above. */
        SILENT_OR_OTHER
    }

    /** ApiVersions v0, correlation id 0x4D51 ("MQ"), no client id: the request every Kafka client sends first. */
    private static final byte[] API_VERSIONS = {0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0x4D, 0x51, -1, -1};

    private KafkaProbe() {
    }

    /** What answers at {@code address} (host:port); waits at most about {@code timeoutMs} twice (connect, answer). */
    static Verdict probe(String address, int timeoutMs) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, Math.max(0, colon));
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1).trim());
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            return Verdict.SILENT_OR_OTHER; // the client will say what is wrong with it
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(host.trim());
        } catch (UnknownHostException e) {
            return Verdict.UNKNOWN_HOST;
        }
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(ip, port), timeoutMs);
            } catch (IOException e) {
                return Verdict.NOT_LISTENING;
            }
            socket.setSoTimeout(timeoutMs);
            socket.getOutputStream().write(API_VERSIONS);
            socket.getOutputStream().flush();
            byte[] head = new byte[8];
            int n = readUpTo(socket.getInputStream(), head);
            if (n >= 2 && head[0] == 0x15 && head[1] == 0x03) {
                return Verdict.TLS; // a TLS record of type alert, version 3.x
            }
            if (n >= 4 && new String(head, 0, 4, StandardCharsets.US_ASCII).equals("HTTP")) {
                return Verdict.HTTP;
            }
            if (n == 8 && head[6] == 0x4D && head[7] == 0x51) {
                return Verdict.KAFKA_WITHOUT_TLS; // the response carries our correlation id
            }
            return Verdict.SILENT_OR_OTHER;
        } catch (IOException e) {
            return Verdict.SILENT_OR_OTHER; // connected, then nothing came back in time, or the line was cut
        }
    }

    private static int readUpTo(InputStream in, byte[] into) throws IOException {
        int n = 0;
        while (n < into.length) {
            int r = in.read(into, n, into.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }
}
