package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gitfleet.agent.boot.FileBootloader;
import io.gitfleet.agent.boot.Slot;
import io.gitfleet.agent.state.AgentState;
import io.gitfleet.agent.state.StateStore;
import io.gitfleet.agent.testing.RootfsImage;
import io.gitfleet.agent.testing.ZstdCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of the node itself, on real devices: a slot device that is read-only (a loop device attached with
 * {@code losetup -r}) and a state partition that is full (a tmpfs of 64 KiB). Each is one sentence from
 * {@code gitfleet-agent install}, and the booted slot is never written. Needs root (loop devices, mount); skipped
 * otherwise.
 */
class NodeFaultsIT {
    static final long SLOT_BYTES = 4 << 20;
    static final long IMAGE_BYTES = (1 << 20) + 3;

    @TempDir
    Path dir;
    Path slotA;
    Path image;
    Path zst;
    final List<Runnable> undo = new ArrayList<>();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void node() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "loop devices and mounts need root");
        slotA = RootfsImage.partition(dir.resolve("slot-a.img"), SLOT_BYTES, (byte) 0xAA);
        image = RootfsImage.create(dir.resolve("v2.img"), IMAGE_BYTES, 3);
        zst = ZstdCli.compress(image, dir.resolve("v2.img.zst"), "-3");
    }

    @AfterEach
    void detach() {
        for (int i = undo.size() - 1; i >= 0; i--) {
            undo.get(i).run();
        }
    }

    @Test
    void aReadOnlySlotDeviceIsOneSentenceAndTheBootedSlotStaysUntouched() throws Exception {
        Path backing = RootfsImage.partition(dir.resolve("slot-b.img"), SLOT_BYTES, (byte) 0xBB);
        String loop = sh("losetup", "--read-only", "--find", "--show", backing.toString()).strip();
        undo.add(() -> sh("losetup", "--detach", loop));
        Path state = dir.resolve("state");
        Path config = config(Path.of(loop), state);

        assertEquals(1, install(config));
        String said = err.toString().strip();
        assertEquals(1, said.lines().count(), said);
        assertTrue(said.startsWith("install failed: ") && said.contains(loop) && said.contains("read-only"), said);
        assertBootedSlotUntouched();
        assertNull(new FileBootloader(dir.resolve("boot.json")).load().tryOnce(), "no boot armed");
        assertTrue(new StateStore(state).load().task().failureReason().contains(loop));
        for (byte b : Files.readAllBytes(backing)) {
            assertEquals((byte) 0xBB, b, "the read-only device's backing file");
        }
    }

    @Test
    void aFullStatePartitionIsOneSentenceAndTheBootedSlotStaysUntouched() throws Exception {
        Path slotB = RootfsImage.partition(dir.resolve("slot-b.img"), SLOT_BYTES, (byte) 0xBB);
        Path mount = Files.createDirectories(dir.resolve("state-partition"));
        sh("mount", "-t", "tmpfs", "-o", "size=64k", "gitfleet-test-state", mount.toString());
        undo.add(() -> sh("umount", mount.toString()));
        Path state = mount.resolve("gitfleet-agent");
        new StateStore(state).save(AgentState.fresh().withSlotVersion("a", "v1.0.0"));
        // What else lives on the partition fills it.
        sh("sh", "-c", "dd if=/dev/zero of=" + mount.resolve("filler") + " bs=4k 2>/dev/null; true");
        Path config = config(slotB, state);

        assertEquals(1, install(config));
        String said = err.toString().strip();
        assertEquals(1, said.lines().count(), said);
        assertTrue(said.contains(state.toString()) && said.contains("No space left on device"), said);
        assertBootedSlotUntouched();
        assertNull(new FileBootloader(dir.resolve("boot.json")).load().tryOnce(), "no boot armed");
        assertEquals(Slot.A, new FileBootloader(dir.resolve("boot.json")).load().primary());
    }

    private Path config(Path slotB, Path state) throws IOException {
        return Files.writeString(dir.resolve("agent.yaml"), "node: node-1\nstateDir: " + state + "\n"
                + "slots: {a: " + slotA + ", b: " + slotB + "}\n"
                + "bootloader: {type: file, path: " + dir.resolve("boot.json") + "}\n");
    }

    private int install(Path config) throws IOException {
        return AgentMain.run(new PrintWriter(out, true), new PrintWriter(err, true), "install", "--config",
                config.toString(), "--image", zst.toUri().toString(), "--sha256", RootfsImage.sha256(zst), "--size",
                Long.toString(IMAGE_BYTES), "--version", "v2");
    }

    private void assertBootedSlotUntouched() throws IOException {
        byte[] bytes = Files.readAllBytes(slotA);
        assertEquals(SLOT_BYTES, bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != (byte) 0xAA) {
                throw new AssertionError("the booted slot was written at byte " + i);
            }
        }
    }

    private static String sh(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", argv) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError(String.join(" ", argv) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
