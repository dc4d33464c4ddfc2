package io.github.mqexamples.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AsciiNumbersTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void writesWhatLongToStringWrites() {
        for (long v : new long[] {0, 1, 9, 10, 99, 100, -1, -10, 1_764_645_600_123_456L, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertArrayEquals(ascii(Long.toString(v)), AsciiNumbers.decimal(v), Long.toString(v));
        }
    }

    @Test
    void readsWhatLongParseLongReads() {
        for (long v : new long[] {0, 7, -5, 1_764_645_600_123_456L, 99_999_999_999L, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertEquals(v, AsciiNumbers.parse(ascii(Long.toString(v)), -1), Long.toString(v));
        }
    }

    @Test
    void anythingElseIsAbsent() {
        for (String s : new String[] {"", "-", "two", "1.5", " 1", "1 ", "99999999999999999999", "--1"}) {
            assertEquals(-1, AsciiNumbers.parse(ascii(s), -1), "'" + s + "'");
        }
        assertEquals(-1, AsciiNumbers.parse(null, -1));
    }
}
