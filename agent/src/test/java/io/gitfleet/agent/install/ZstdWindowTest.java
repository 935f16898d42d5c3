package io.gitfleet.agent.install;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Frame headers as RFC 8878 lays them out, including the mantissa and single-segment cases. */
class ZstdWindowTest {
    static OptionalLong window(int... bytes) {
        byte[] head = new byte[bytes.length + 4];
        head[0] = 0x28;
        head[1] = (byte) 0xB5;
        head[2] = 0x2F;
        head[3] = (byte) 0xFD;
        for (int i = 0; i < bytes.length; i++) {
            head[4 + i] = (byte) bytes[i];
        }
        return ZstdWindow.declared(head, head.length);
    }

    @Test
    void theWindowDescriptorIsExponentAndEighths() {
        assertEquals(OptionalLong.of(128L << 20), window(0x00, 17 << 3));
        assertEquals(OptionalLong.of(192L << 20), window(0x00, 17 << 3 | 4));
        assertEquals(OptionalLong.of(2L << 30), window(0x04, 21 << 3));
        assertEquals(OptionalLong.of(1024), window(0x00, 0));
    }

    @Test
    void aSingleSegmentFrameNeedsItsContentSize() {
        assertEquals(OptionalLong.of(1024), window(0x20, 200), "one byte of size, and at least 1 KiB");
        assertEquals(OptionalLong.of(0x1234 + 256 + 0L), window(0x60, 0x34, 0x12), "two bytes are offset by 256");
        assertEquals(OptionalLong.of(0x40000000L), window(0xA1, 0x07, 0x00, 0x00, 0x00, 0x40), "after a dictionary id");
        assertEquals(OptionalLong.empty(), window(0xE0, 0x01, 0x02), "eight bytes announced, two present");
    }

    @Test
    void notAZstdFrameHasNoWindow() {
        assertEquals(OptionalLong.empty(), ZstdWindow.declared(new byte[] {0x50, 0x2A, 0x4D, 0x18, 0, 0}, 6));
        assertEquals(OptionalLong.empty(), ZstdWindow.declared(new byte[] {0x28, (byte) 0xB5}, 2));
    }

    @Test
    void theCapBecomesZstdsWindowLog() {
        assertEquals(27, ZstdWindow.logMax(128L << 20));
        assertEquals(27, ZstdWindow.logMax((128L << 20) + 1));
        assertEquals(31, ZstdWindow.logMax(8L << 30));
        assertEquals(10, ZstdWindow.logMax(1));
    }
}
