package io.gitfleet.agent.install;

import java.util.OptionalLong;

/**
 * The window a zstd frame declares, read from its header (RFC 8878, 3.1.1.1) before any decompressor exists: the
 * decompressor allocates a buffer of that size, so it is the memory an image costs whatever its length.
 */
public final class ZstdWindow {
    /** The agent's default cap, zstd's own default limit (window log 27): what {@code --long} gives without a value. */
    public static final long DEFAULT_MAX = 128L << 20;
    /** Magic, descriptor, window byte, dictionary id (up to 4), content size (up to 8). */
    static final int MAX_HEADER = 18;
    private static final int MAGIC = 0xFD2FB528;
    private static final long MIN_WINDOW = 1 << 10;

    private ZstdWindow() {
    }

    /**
     * The declared window of the frame at the start of {@code head}, empty when these bytes are not a complete
     * zstd frame header (a skippable frame, garbage, too short: the decompressor then says what is wrong).
     */
    public static OptionalLong declared(byte[] head, int length) {
        if (length < 6 || littleEndianInt(head, 0) != MAGIC) {
            return OptionalLong.empty();
        }
        int descriptor = head[4] & 0xff;
        boolean singleSegment = (descriptor & 0x20) != 0;
        if (!singleSegment) {
            int windowByte = head[5] & 0xff;
            long base = 1L << (10 + (windowByte >>> 3));
            return OptionalLong.of(base + (base >>> 3) * (windowByte & 7));
        }
        // Single segment: the window is the content size, which follows the dictionary id.
        int dictionaryBytes = new int[] {0, 1, 2, 4}[descriptor & 3];
        int sizeFlag = descriptor >>> 6;
        int sizeBytes = new int[] {1, 2, 4, 8}[sizeFlag];
        int at = 5 + dictionaryBytes;
        if (length < at + sizeBytes) {
            return OptionalLong.empty();
        }
        long size = 0;
        for (int i = sizeBytes - 1; i >= 0; i--) {
            size = size << 8 | (head[at + i] & 0xff);
        }
        if (sizeBytes == 2) {
            size += 256;
        }
        return OptionalLong.of(Math.max(MIN_WINDOW, size));
    }

    /** zstd's window-log limit for a cap: frames above {@code 2^log} are refused by the decompressor itself. */
    public static int logMax(long maxBytes) {
        return Math.max(10, Math.min(31, 63 - Long.numberOfLeadingZeros(maxBytes)));
    }

    /** The operator's sentence for a refused frame; {@code window} is null when only zstd knows it (a later frame). */
    static WindowTooLargeException refused(Long window, long maxBytes) {
        String needs = window == null ? "a frame of the image needs a zstd window larger than "
                : "the image needs a zstd window of " + bytes(window) + ", more than ";
        return new WindowTooLargeException("zstd window too large: " + needs + "this agent's maxWindow of "
                + bytes(maxBytes) + " (recompress with --long=" + logMax(maxBytes) + " or less, or raise maxWindow)");
    }

    /** 134217728 → "128 MiB"; sizes that are not whole MiB are given in bytes. */
    public static String bytes(long n) {
        if (n >= 1L << 30 && n % (1L << 30) == 0) {
            return (n >> 30) + " GiB";
        }
        if (n >= 1L << 20 && n % (1L << 20) == 0) {
            return (n >> 20) + " MiB";
        }
        return n + " bytes";
    }

    private static int littleEndianInt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}
