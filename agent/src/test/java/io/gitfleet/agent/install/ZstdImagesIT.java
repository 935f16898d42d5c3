package io.gitfleet.agent.install;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import io.gitfleet.agent.testing.RootfsImage;
import io.gitfleet.agent.testing.ZstdCli;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Images as the zstd CLI makes them must come out byte-identical: --long windows, several frames, checksums or not. */
class ZstdImagesIT {
    static final long IMAGE_BYTES = 5 * 1024 * 1024 + 777;

    @TempDir
    static Path dir;
    static Path raw;

    @BeforeAll
    static void image() throws IOException {
        raw = RootfsImage.create(dir.resolve("rootfs.img"), IMAGE_BYTES, 7);
    }

    static Stream<Arguments> images() {
        return Stream.of(
                Arguments.of("-19 --long=31 (2 GiB window declared)", 1, new String[] {"-19", "--long=31"}),
                Arguments.of("-3 with content checksum", 1, new String[] {"-3", "--check"}),
                Arguments.of("-3 without content checksum", 1, new String[] {"-3", "--no-check"}),
                Arguments.of("4 concatenated frames with checksums", 4, new String[] {"-3", "--check"}),
                Arguments.of("5 concatenated frames, --long=30, no checksums", 5,
                        new String[] {"-6", "--long=30", "--no-check"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void decompressesByteIdentically(String name, int frames, String[] args) throws Exception {
        Path zst = dir.resolve(name.replaceAll("[^a-z0-9]", "_") + ".zst");
        if (frames == 1) {
            ZstdCli.compress(raw, zst, args);
        } else {
            ZstdCli.multiFrame(raw, zst, frames, args);
        }
        Path slotA = RootfsImage.partition(dir.resolve(zst.getFileName() + ".a"), 6 << 20, (byte) 0xAA);
        Path slotB = RootfsImage.partition(dir.resolve(zst.getFileName() + ".b"), 6 << 20, (byte) 0);
        WriteSlotCommand.Result r = new WriteSlotCommand().setSource(ImageSource.file(zst)).setSlot("b", slotB)
                .setBootedSlot(slotA).setDeclaredSize(IMAGE_BYTES).setBuffers(2, 1 << 20).setMaxWindow(1L << 31).call();
        new VerifySlotCommand(slotB, RootfsImage.sha256(zst), IMAGE_BYTES).call(r);
        assertEquals(Files.size(zst), r.compressedBytes());
        assertArrayEquals(Files.readAllBytes(raw), Arrays.copyOf(Files.readAllBytes(slotB), (int) IMAGE_BYTES));
    }

    @Test
    void aFirstFrameWhoseWindowPassesTheCapIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path zst = ZstdCli.compress(raw, dir.resolve("over-cap.zst"), "-3", "--long=31");
        Path slotA = RootfsImage.partition(dir.resolve("over-cap.a"), 6 << 20, (byte) 0xAA);
        Path slotB = RootfsImage.partition(dir.resolve("over-cap.b"), 6 << 20, (byte) 0x55);
        var e = assertThrows(WindowTooLargeException.class, () -> new WriteSlotCommand()
                .setSource(ImageSource.file(zst)).setSlot("b", slotB).setBootedSlot(slotA).setDeclaredSize(IMAGE_BYTES)
                .call());
        assertEquals("zstd window too large: the image needs a zstd window of 2 GiB, more than this agent's maxWindow "
                + "of 128 MiB (recompress with --long=27 or less, or raise maxWindow)", e.reason());
        byte[] untouched = new byte[6 << 20];
        Arrays.fill(untouched, (byte) 0x55);
        assertArrayEquals(untouched, Files.readAllBytes(slotB));
    }

    @Test
    void aLaterFrameWhoseWindowPassesTheCapIsRefusedByZstd() throws Exception {
        byte[] all = Files.readAllBytes(raw);
        Path first = Files.write(dir.resolve("first.raw"), Arrays.copyOf(all, all.length / 2));
        Path second = Files.write(dir.resolve("second.raw"), Arrays.copyOfRange(all, all.length / 2, all.length));
        Path zst = dir.resolve("later-frame.zst");
        Files.write(zst, Files.readAllBytes(ZstdCli.compress(first, dir.resolve("first.zst"), "-3")));
        Files.write(zst, Files.readAllBytes(ZstdCli.compress(second, dir.resolve("second.zst"), "-3", "--long=29")),
                java.nio.file.StandardOpenOption.APPEND);
        Path slotA = RootfsImage.partition(dir.resolve("later.a"), 6 << 20, (byte) 0xAA);
        Path slotB = RootfsImage.partition(dir.resolve("later.b"), 6 << 20, (byte) 0);
        var e = assertThrows(WindowTooLargeException.class, () -> new WriteSlotCommand()
                .setSource(ImageSource.file(zst)).setSlot("b", slotB).setBootedSlot(slotA).setDeclaredSize(IMAGE_BYTES)
                .setMaxWindow(256L << 20).call());
        assertEquals("zstd window too large: a frame of the image needs a zstd window larger than this agent's "
                + "maxWindow of 256 MiB (recompress with --long=28 or less, or raise maxWindow)", e.reason());
    }

    @Test
    void theLongWindowReallyNeedsTheRaisedLimit() throws Exception {
        // Guards the test above: without setLongMax a 2 GiB window is refused, so that case exercises it.
        Path zst = ZstdCli.compress(raw, dir.resolve("long31.zst"), "-3", "--long=31");
        IOException e = assertThrows(IOException.class, () -> {
            try (InputStream in = new ZstdInputStreamNoFinalizer(Files.newInputStream(zst))) {
                in.readAllBytes();
            }
        });
        assertTrue(String.valueOf(e.getMessage()).toLowerCase().contains("memory"), e.getMessage());
    }
}
