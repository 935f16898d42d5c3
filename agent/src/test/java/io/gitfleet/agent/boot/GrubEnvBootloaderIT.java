package io.gitfleet.agent.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gitfleet.schema.Report.SlotState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GRUB back-end against a real grubenv file edited by the real grub-editenv (Debian: grub-common). */
class GrubEnvBootloaderIT {
    @TempDir
    Path dir;
    Path env;
    Path bootId;
    Slot booted = Slot.A;
    GrubEnvBootloader grub;

    @BeforeEach
    void setUp() throws Exception {
        String editenv = editenv();
        env = dir.resolve("grubenv");
        bootId = dir.resolve("boot_id");
        Files.writeString(bootId, "11111111-2222\n");
        grub = new GrubEnvBootloader(editenv, env, () -> Optional.of(booted), bootId);
    }

    static String editenv() {
        for (String d : List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin")) {
            if (Files.isExecutable(Path.of(d, "grub-editenv"))) {
                return d + "/grub-editenv";
            }
        }
        return fail("grub-editenv is not installed (Debian: apt-get install grub-common; ./test installs it)");
    }

    @Test
    void aFreshEnvironmentBlockBootsSlotA() throws Exception {
        BootEnv e = grub.read();
        assertTrue(Files.exists(env));
        assertEquals(1024, Files.size(env), "a real GRUB environment block is exactly 1 KiB");
        assertEquals(Slot.A, e.primary());
        assertNull(e.tryOnce());
        assertEquals(Slot.A, e.booted());
        assertEquals("11111111-2222", e.bootId());
        assertEquals(SlotState.GOOD, e.a(), "the running slot of a node without a block is the one that boots");
    }

    @Test
    void aLostBlockIsRecreatedWithTheRunningSlotAsPrimary() throws Exception {
        booted = Slot.B;
        BootEnv e = grub.read();
        assertEquals(Slot.B, e.primary());
        assertEquals(SlotState.GOOD, e.b());
        assertEquals(SlotState.UNKNOWN, e.a());
    }

    @Test
    void aCorruptBlockIsRecreatedWithTheRunningSlotAsPrimaryAndKeptAside() throws Exception {
        Files.write(env, new byte[1024]);   // a torn write: zeros where the header was
        booted = Slot.B;
        BootEnv e = grub.read();
        assertEquals(Slot.B, e.primary());
        assertEquals(SlotState.GOOD, e.b());
        assertNull(e.tryOnce());
        assertEquals(1024, Files.size(env));
        assertEquals(1024, Files.size(dir.resolve("grubenv.corrupt")), "the broken block is kept for a person");
        assertEquals(Slot.B, grub.read().primary(), "a sound block is left alone");
    }

    @Test
    void aCorruptBlockWithNoKnownBootedSlotIsOneSentence() throws Exception {
        Files.writeString(env, "garbage");
        GrubEnvBootloader unknown = new GrubEnvBootloader(editenv(), env, Optional::empty, bootId);
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                unknown::read);
        assertEquals("the GRUB environment block " + env + " is corrupt and the booted slot is unknown; recreate it"
                + " with: grub-editenv " + env + " create", e.getMessage());
        assertEquals("garbage", Files.readString(env), "nothing is changed without knowing the running slot");
    }

    @Test
    void theInstallSequenceWritesWhatGrubCfgReads() throws Exception {
        grub.read();
        grub.markBad(Slot.B);
        assertEquals(SlotState.BAD, grub.read().b());
        grub.tryOnce(Slot.B);
        BootEnv staged = grub.read();
        assertEquals(Slot.B, staged.tryOnce());
        assertEquals(Slot.A, staged.primary(), "the primary stays the fallback");
        assertEquals(SlotState.UNKNOWN, staged.b());
        assertEquals("b", grub.list().get("gitfleet_try"));

        // grub.cfg's part at boot: it clears the try with save_env before booting it.
        run(editenv(), env.toString(), "unset", "gitfleet_try");
        booted = Slot.B;
        grub.markGood(Slot.B);
        BootEnv good = grub.read();
        assertEquals(Slot.B, good.primary());
        assertEquals(SlotState.GOOD, good.b());
        assertNull(good.tryOnce());
        assertEquals(Slot.B, good.booted());

        grub.setPrimary(Slot.A);
        assertEquals(Slot.A, grub.read().primary());
    }

    @Test
    void markingTheTriedSlotBadDropsTheTry() throws Exception {
        grub.tryOnce(Slot.B);
        grub.markBad(Slot.B);
        assertNull(grub.read().tryOnce());
        assertEquals(SlotState.BAD, grub.read().b());
    }

    @Test
    void otherVariablesInTheBlockAreKept() throws Exception {
        run(editenv(), env.toString(), "create");
        run(editenv(), env.toString(), "set", "saved_entry=gnulinux-advanced");
        grub.tryOnce(Slot.B);
        assertEquals("gnulinux-advanced", grub.list().get("saved_entry"));
    }

    static void run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
    }
}
