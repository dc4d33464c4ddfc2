package io.github.mqexamples.kafka.producer;

import java.util.Locale;

/** How the producer compresses its batches ({@code --compression}, Kafka's compression.type). */
public enum Compression {
    NONE, GZIP, SNAPPY, LZ4, ZSTD;

    /** The value of compression.type: the name in lower case. */
    public String type() {
        return name().toLowerCase(Locale.ROOT);
    }
}
