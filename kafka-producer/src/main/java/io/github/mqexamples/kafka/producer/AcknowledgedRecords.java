package io.github.mqexamples.kafka.producer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Which of the records 1..count the cluster acknowledged, so that a run that gives up can name exactly the ones it
 * cannot vouch for (by number: the N of key-N and of the value's "#N"), instead of only counting them. A record
 * not acknowledged may still have been written (its acknowledgement lost with the broker); an acknowledged one is
 * in the topic for sure.
 */
final class AcknowledgedRecords {

    private final BitSet acknowledged = new BitSet();

    /** Record {@code number} was acknowledged (from the producer's callback thread). */
    synchronized void add(int number) {
        acknowledged.set(number);
    }

    /** The numbers of 1..{@code count} not acknowledged, as ranges: "#116-#300" or "#7, #9-#12"; "" if none. */
    synchronized String missing(int count) {
        List<String> ranges = new ArrayList<>();
        int from = acknowledged.nextClearBit(1);
        while (from <= count) {
            int to = Math.min(count, acknowledged.nextSetBit(from) < 0 ? count : acknowledged.nextSetBit(from) - 1);
            ranges.add(from == to ? "#" + from : "#" + from + "-#" + to);
            from = acknowledged.nextClearBit(to + 1);
        }
        return String.join(", ", ranges);
    }
}
