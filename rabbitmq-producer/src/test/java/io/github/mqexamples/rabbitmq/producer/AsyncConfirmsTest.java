package io.github.mqexamples.rabbitmq.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.junit.jupiter.api.Test;

class AsyncConfirmsTest {

    /** Messages waiting for a confirm under the given publish sequence numbers; each message's id is its number. */
    static ConcurrentNavigableMap<Long, Message> outstanding(long... seqNos) {
        ConcurrentNavigableMap<Long, Message> outstanding = new ConcurrentSkipListMap<>();
        for (long seqNo : seqNos) {
            outstanding.put(seqNo, new Message(new byte[0], String.valueOf(seqNo)));
        }
        return outstanding;
    }

    static List<String> ids(List<Message> messages) {
        return messages.stream().map(m -> m.id).toList();
    }

    @Test
    void aConfirmWithMultipleTrueCoversEveryMessageUpToItsSequenceNumber() {
        ConcurrentNavigableMap<Long, Message> outstanding = outstanding(1, 2, 3, 4);
        assertEquals(List.of("1", "2", "3"), ids(AsyncConfirms.take(outstanding, 3, true)));
        assertEquals(List.of(4L), List.copyOf(outstanding.keySet()), "still waiting");
    }

    @Test
    void aConfirmWithMultipleFalseCoversItsOwnMessageOnly() {
        ConcurrentNavigableMap<Long, Message> outstanding = outstanding(1, 2, 3);
        assertEquals(List.of("2"), ids(AsyncConfirms.take(outstanding, 2, false)));
        assertEquals(List.of(1L, 3L), List.copyOf(outstanding.keySet()));
    }

    @Test
    void aMessageIsTakenOnceEvenWhenTwoConfirmsCoverIt() {
        // E.g. a confirm, then the shutdown listener taking everything still unconfirmed: whichever removes a
        // message owns it, so it is neither counted twice nor sent again after its confirm.
        ConcurrentNavigableMap<Long, Message> outstanding = outstanding(1, 2, 3);
        assertEquals(List.of("1", "2"), ids(AsyncConfirms.take(outstanding, 2, true)));
        assertEquals(List.of("3"), ids(AsyncConfirms.take(outstanding, Long.MAX_VALUE, true)));
        assertTrue(AsyncConfirms.take(outstanding, Long.MAX_VALUE, true).isEmpty());
    }
}
