package io.gitfleet.agent.install;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.gitfleet.agent.testing.MisbehavingImageServer;
import io.gitfleet.agent.testing.RootfsImage;
import io.gitfleet.agent.testing.ZstdCli;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image writer against real HTTP servers on 127.0.0.1 and real zstd CLI images; one fault per test. */
class WriteSlotCommandIT {
    static final long IMAGE_BYTES = 6 * 1024 * 1024 + 12345;
    static final long SLOT_BYTES = 8 * 1024 * 1024;

    @TempDir
    static Path shared;
    static Path raw;
    static Path zst;
    static byte[] zstBytes;
    static String zstSha;
    static HttpClient client;
    static WireMockServer wiremock;

    @TempDir
    Path dir;
    Path slotA;
    Path slotB;
    final List<String> events = new ArrayList<>();

    @BeforeAll
    static void images() throws Exception {
        raw = RootfsImage.create(shared.resolve("rootfs.img"), IMAGE_BYTES, 42);
        zst = ZstdCli.compress(raw, shared.resolve("rootfs.img.zst"), "-3");
        zstBytes = Files.readAllBytes(zst);
        zstSha = RootfsImage.sha256(zst);
        client = HttpImageSource.newClient(DownloadSettings.DEFAULTS);
        wiremock = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        wiremock.start();
    }

    @AfterAll
    static void stop() {
        wiremock.stop();
    }

    @BeforeEach
    void slots() throws Exception {
        slotA = RootfsImage.partition(dir.resolve("slot-a"), SLOT_BYTES, (byte) 0xAA);
        slotB = RootfsImage.partition(dir.resolve("slot-b"), SLOT_BYTES, (byte) 0xBB);
        wiremock.resetAll();
    }

    static DownloadSettings fast() {
        return new DownloadSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), 0, Duration.ofSeconds(60), 4,
                Duration.ofMillis(10), Duration.ofMillis(50), 2);
    }

    TransferListener recorder() {
        return new TransferListener() {
            @Override
            public void flowing() {
                events.add("flowing");
            }

            @Override
            public void reconnecting(long offset, String why) {
                events.add("reconnecting@" + offset);
            }

            @Override
            public void restarting(String why) {
                events.add("restarting");
            }
        };
    }

    WriteSlotCommand command(URI uri, DownloadSettings settings, long declared) {
        return new WriteSlotCommand()
                .setSource(new HttpImageSource(client, uri, settings, recorder(), () -> false))
                .setListener(recorder()).setSlot("b", slotB).setBootedSlot(slotA).setDeclaredSize(declared)
                .setBuffers(3, 1 << 20);
    }

    WriteSlotCommand.Result installFrom(MisbehavingImageServer server) throws Exception {
        WriteSlotCommand.Result r = command(server.uri(), fast(), IMAGE_BYTES).call();
        new VerifySlotCommand(slotB, zstSha, IMAGE_BYTES).call(r);
        return r;
    }

    void assertSlotHoldsImage() throws Exception {
        byte[] slot = Files.readAllBytes(slotB);
        assertArrayEquals(Files.readAllBytes(raw), Arrays.copyOf(slot, (int) IMAGE_BYTES));
        for (int i = (int) IMAGE_BYTES; i < slot.length; i++) {
            if (slot[i] != (byte) 0xBB) {
                throw new AssertionError("byte " + i + " past the image was changed");
            }
        }
    }

    void assertBootedSlotUntouched() throws Exception {
        byte[] a = Files.readAllBytes(slotA);
        assertEquals(SLOT_BYTES, a.length);
        for (byte b : a) {
            if (b != (byte) 0xAA) {
                throw new AssertionError("the booted slot was written");
            }
        }
    }

    @Test
    void cleanTransferIsByteIdentical() throws Exception {
        try (var server = new MisbehavingImageServer(zstBytes)) {
            WriteSlotCommand.Result r = installFrom(server);
            assertEquals(zstSha, r.sha256());
            assertEquals(zstBytes.length, r.compressedBytes());
            assertEquals(List.of("flowing"), events);
        }
        assertSlotHoldsImage();
        assertBootedSlotUntouched();
    }

    @Test
    void cutHalfWayResumesWithRangeAndIfRange() throws Exception {
        try (var server = new MisbehavingImageServer(zstBytes).cutAt(zstBytes.length / 2, 1)) {
            installFrom(server);
            List<MisbehavingImageServer.Seen> seen = server.seen();
            assertEquals(2, seen.size(), seen.toString());
            assertEquals("bytes=" + zstBytes.length / 2 + "-", seen.get(1).range(), "resumed where the cut was");
            assertTrue(seen.get(1).ifRange().startsWith("\"v"), "If-Range carries the ETag");
            assertEquals(206, seen.get(1).status());
        }
        assertEquals(List.of("flowing", "reconnecting@" + zstBytes.length / 2, "flowing"), events);
        assertSlotHoldsImage();
        assertBootedSlotUntouched();
    }

    @Test
    void rangeIgnoredStartsOverInsteadOfSplicing() throws Exception {
        try (var server = new MisbehavingImageServer(zstBytes).cutAt(zstBytes.length / 3, 1).ignoreRange()) {
            WriteSlotCommand.Result r = installFrom(server);
            assertEquals(1, r.restarts());
            assertEquals(200, server.seen().get(1).status());
        }
        assertTrue(events.contains("restarting"), events.toString());
        assertSlotHoldsImage();
    }

    @Test
    void serviceUnavailableThenSuccess() throws Exception {
        try (var server = new MisbehavingImageServer(zstBytes).unavailable(2)) {
            installFrom(server);
            assertEquals(List.of(503, 503, 200), server.seen().stream().map(MisbehavingImageServer.Seen::status).toList());
        }
        assertSlotHoldsImage();
    }

    @Test
    void serverErrorsThenSuccessFromWireMock() throws Exception {
        wiremock.stubFor(get(urlEqualTo("/os.img.zst")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":\"boom\"}")).willSetStateTo("second"));
        wiremock.stubFor(get(urlEqualTo("/os.img.zst")).inScenario("flaky").whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(502)).willSetStateTo("ok"));
        wiremock.stubFor(get(urlEqualTo("/os.img.zst")).inScenario("flaky").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody(zstBytes)));
        WriteSlotCommand.Result r = command(URI.create(wiremock.baseUrl() + "/os.img.zst"), fast(), IMAGE_BYTES).call();
        new VerifySlotCommand(slotB, zstSha, IMAGE_BYTES).call(r);
        wiremock.verify(3, getRequestedFor(urlEqualTo("/os.img.zst")));
        assertSlotHoldsImage();
    }

    @Test
    void persistentServerErrorGivesUpWithTheLastStatus() throws Exception {
        wiremock.stubFor(get(urlEqualTo("/os.img.zst")).willReturn(aResponse().withStatus(503)));
        var e = assertThrows(DownloadFailedException.class,
                () -> command(URI.create(wiremock.baseUrl() + "/os.img.zst"), fast(), IMAGE_BYTES).call());
        assertTrue(e.reason().startsWith("download failed after 4 attempts: HTTP 503"), e.reason());
        assertBootedSlotUntouched();
    }

    @Test
    void notFoundFailsAtOnce() throws Exception {
        wiremock.stubFor(get(urlEqualTo("/os.img.zst")).willReturn(aResponse().withStatus(404)));
        var e = assertThrows(DownloadFailedException.class,
                () -> command(URI.create(wiremock.baseUrl() + "/os.img.zst"), fast(), IMAGE_BYTES).call());
        assertTrue(e.reason().startsWith("download failed: HTTP 404 from http://"), e.reason());
        wiremock.verify(1, getRequestedFor(urlEqualTo("/os.img.zst")));
    }

    @Test
    void slowDripBelowMinimumThroughputGivesUp() throws Exception {
        wiremock.stubFor(get(urlEqualTo("/os.img.zst")).willReturn(aResponse().withStatus(200).withBody(zstBytes)
                .withChunkedDribbleDelay(2000, 60_000)));
        DownloadSettings slow = new DownloadSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), 1_000_000,
                Duration.ofSeconds(1), 4, Duration.ofMillis(10), Duration.ofMillis(50), 2);
        long start = System.nanoTime();
        var e = assertThrows(TooSlowException.class,
                () -> command(URI.create(wiremock.baseUrl() + "/os.img.zst"), slow, IMAGE_BYTES).call());
        assertTrue(e.reason().startsWith("download too slow: "), e.reason());
        assertTrue(e.reason().endsWith("below the minimum of 1000000 B/s"), e.reason());
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "gave up within a few windows");
        assertBootedSlotUntouched();
    }

    @Test
    void wrongDigestIsRefusedAtVerify() throws Exception {
        try (var server = new MisbehavingImageServer(zstBytes)) {
            WriteSlotCommand.Result r = command(server.uri(), fast(), IMAGE_BYTES).call();
            String wrong = "0".repeat(64);
            var e = assertThrows(DigestMismatchException.class,
                    () -> new VerifySlotCommand(slotB, wrong, IMAGE_BYTES).call(r));
            assertEquals("sha256 mismatch: expected " + wrong + " got " + zstSha, e.reason());
        }
        assertBootedSlotUntouched();
    }

    @Test
    void truncatedBodyIsACorruptImage() throws Exception {
        byte[] half = Arrays.copyOf(zstBytes, zstBytes.length / 2);
        try (var server = new MisbehavingImageServer(half)) {
            var e = assertThrows(CorruptImageException.class, () -> command(server.uri(), fast(), IMAGE_BYTES).call());
            assertTrue(e.reason().startsWith("truncated image: the zstd stream ends in the middle of a frame"),
                    e.reason());
        }
        assertBootedSlotUntouched();
    }

    @Test
    void imageExpandingPastItsDeclaredSizeStopsBeforeTheExcess() throws Exception {
        long declared = IMAGE_BYTES - 3 * 1024 * 1024;
        try (var server = new MisbehavingImageServer(zstBytes)) {
            var e = assertThrows(ImageTooLargeException.class, () -> command(server.uri(), fast(), declared).call());
            assertTrue(e.reason().startsWith("image too large: it expands past its declared size of " + declared),
                    e.reason());
        }
        assertUntouchedFrom(declared);
    }

    void assertUntouchedFrom(long offset) throws Exception {
        byte[] slot = Files.readAllBytes(slotB);
        for (long i = offset; i < slot.length; i++) {
            if (slot[(int) i] != (byte) 0xBB) {
                throw new AssertionError("byte " + i + " past the declared size was written");
            }
        }
    }

    @Test
    void bodyLongerThanTheImageWithAnotherFrameIsTooLarge() throws Exception {
        byte[] longer = Arrays.copyOf(zstBytes, zstBytes.length * 2);
        System.arraycopy(zstBytes, 0, longer, zstBytes.length, zstBytes.length);
        try (var server = new MisbehavingImageServer(longer)) {
            var e = assertThrows(ImageTooLargeException.class, () -> command(server.uri(), fast(), IMAGE_BYTES).call());
            assertTrue(e.reason().startsWith("image too large"), e.reason());
        }
        assertUntouchedFrom(IMAGE_BYTES);
    }

    @Test
    void bodyLongerThanTheImageWithTrailingGarbageIsCorrupt() throws Exception {
        byte[] longer = Arrays.copyOf(zstBytes, zstBytes.length + 4096);
        for (int i = zstBytes.length; i < longer.length; i++) {
            longer[i] = (byte) (i * 31);
        }
        try (var server = new MisbehavingImageServer(longer)) {
            var e = assertThrows(CorruptImageException.class, () -> command(server.uri(), fast(), IMAGE_BYTES).call());
            assertTrue(e.reason().startsWith("corrupt image: zstd: "), e.reason());
        }
    }

    @Test
    void imageBiggerThanTheSlotFailsBeforeAnyRequest() throws Exception {
        try (var server = new MisbehavingImageServer(zstBytes)) {
            var e = assertThrows(SlotTooSmallException.class,
                    () -> command(server.uri(), fast(), SLOT_BYTES + 1).call());
            assertEquals("slot too small: slot b holds " + SLOT_BYTES + " bytes, the image needs " + (SLOT_BYTES + 1),
                    e.reason());
            assertEquals(List.of(), server.seen());
        }
    }

    @Test
    void aTargetThatIsTheBootedSlotUnderAnotherNameIsNeverOpened() throws Exception {
        Path alias = dir.resolve("by-partlabel-root-b");
        Files.createSymbolicLink(alias, slotA);
        try (var server = new MisbehavingImageServer(zstBytes)) {
            var e = assertThrows(BootedSlotException.class, () -> new WriteSlotCommand()
                    .setSource(new HttpImageSource(client, server.uri(), fast(), recorder(), () -> false))
                    .setSlot("b", alias).setBootedSlot(slotA).setDeclaredSize(IMAGE_BYTES).call());
            assertTrue(e.reason().startsWith("refusing to write slot b: it is the same device as the booted slot"),
                    e.reason());
            assertEquals(List.of(), server.seen());
        }
        assertBootedSlotUntouched();
    }

    @Test
    void cancelStopsAtTheNextBuffer() throws Exception {
        try (var server = new MisbehavingImageServer(zstBytes)) {
            var e = assertThrows(CancelledException.class, () -> command(server.uri(), fast(), IMAGE_BYTES)
                    .setCancelled(() -> !events.isEmpty()).call());
            assertEquals("cancelled by the reconciler", e.reason());
        }
        assertBootedSlotUntouched();
    }

    @Test
    void throughThePageCacheTheBytesAreTheSame() throws Exception {
        // Slots on file systems without O_DIRECT (tmpfs, FUSE) are written through the page cache.
        System.setProperty("gitfleet.noDirectIO", "true");
        try (var server = new MisbehavingImageServer(zstBytes).cutAt(zstBytes.length / 4, 1)) {
            installFrom(server);
        } finally {
            System.clearProperty("gitfleet.noDirectIO");
        }
        assertSlotHoldsImage();
        assertBootedSlotUntouched();
    }
}
