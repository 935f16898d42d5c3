package io.gitfleet.agent.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gitfleet.schema.Report.SlotState;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file bootloader plays the firmware: one try, fall back unless confirmed, failBoots for a bad image. */
class FileBootloaderTest {
    @TempDir
    Path dir;

    @Test
    void aTriedSlotBootsOnceAndFallsBackUnlessMarkedGood() throws Exception {
        FileBootloader b = new FileBootloader(dir.resolve("boot.json"));
        assertEquals(Slot.A, b.read().booted());
        b.tryOnce(Slot.B);
        assertEquals(Slot.B, b.boot());
        assertNull(b.read().tryOnce(), "the try is used up by booting it");
        assertEquals(Slot.A, b.boot(), "not confirmed: the next boot is the primary again");
    }

    @Test
    void aConfirmedSlotStays() throws Exception {
        FileBootloader b = new FileBootloader(dir.resolve("boot.json"));
        b.tryOnce(Slot.B);
        b.boot();
        b.markGood(Slot.B);
        assertEquals(Slot.B, b.boot());
        assertEquals(Slot.B, b.boot());
        assertEquals(SlotState.GOOD, b.read().b());
        assertEquals("boot-4", b.read().bootId());
    }

    @Test
    void failBootsMakesTheTriedBootDie() throws Exception {
        FileBootloader b = new FileBootloader(dir.resolve("boot.json"));
        b.failNextTriedBoots(1);
        b.tryOnce(Slot.B);
        assertEquals(Slot.A, b.boot());
        b.tryOnce(Slot.B);
        assertEquals(Slot.B, b.boot(), "only the next N tried boots fail");
    }

    @Test
    void bootsWithoutATryNeverConsumeFailBoots() throws Exception {
        FileBootloader b = new FileBootloader(dir.resolve("boot.json"));
        b.failNextTriedBoots(1);
        assertEquals(Slot.A, b.boot());
        assertEquals(1, b.load().failBoots());
    }
}
