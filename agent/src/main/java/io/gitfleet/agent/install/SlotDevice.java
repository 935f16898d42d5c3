package io.gitfleet.agent.install;

import io.gitfleet.agent.boot.DeviceIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The size of a slot: a block device's from sysfs (its st_size is 0), a file's own length (pre-sized, like a partition). */
public final class SlotDevice {
    private SlotDevice() {
    }

    public static long size(Path slot) throws IOException {
        if (!Files.exists(slot)) {
            throw new IOException("slot " + slot + " does not exist");
        }
        DeviceIdentity id = DeviceIdentity.of(slot);
        if (!id.blockDevice()) {
            return Files.size(slot);
        }
        Path sectors = Path.of("/sys/dev/block/" + id.major() + ":" + id.minor() + "/size");
        // sysfs counts 512-byte sectors whatever the device's logical block size.
        return Long.parseLong(Files.readString(sectors, StandardCharsets.US_ASCII).strip()) * 512;
    }

    /**
     * A block device set read-only (sysfs {@code ro}: {@code blockdev --setro}, {@code losetup -r}, a write-protected
     * card), or a file the agent may not write (a read-only mount). Its writes would fail with a bare "Operation not
     * permitted" after the download had started.
     */
    public static boolean readOnly(Path slot) throws IOException {
        DeviceIdentity id = DeviceIdentity.of(slot);
        if (!id.blockDevice()) {
            return !Files.isWritable(slot);
        }
        Path ro = Path.of("/sys/dev/block/" + id.major() + ":" + id.minor() + "/ro");
        return Files.exists(ro) && Files.readString(ro, StandardCharsets.US_ASCII).strip().equals("1");
    }
}
