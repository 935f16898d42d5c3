package io.gitfleet.agent;

import io.gitfleet.agent.boot.Bootloader;
import io.gitfleet.agent.boot.DeviceIdentity;
import io.gitfleet.agent.boot.FileBootloader;
import io.gitfleet.agent.boot.GrubEnvBootloader;
import io.gitfleet.agent.boot.Rebooter;
import io.gitfleet.agent.boot.RootDeviceProbe;
import io.gitfleet.agent.boot.Slot;
import io.gitfleet.agent.health.RunProcessCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The machine under the agent, built from the config: slot devices, bootloader, how to reboot, how to tell boots
 * apart. With the file bootloader a reboot happens in place (one process is one simulated node).
 */
public record NodeSetup(Map<Slot, Path> slots, Bootloader bootloader, Rebooter rebooter, Long rootDevice,
                        BootIds bootIds) {
    /** An id that changes on every boot. */
    @FunctionalInterface
    public interface BootIds {
        String current() throws IOException;
    }

    public static final Path KERNEL_BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    public Path slot(Slot slot) {
        return slots.get(slot);
    }

    public static NodeSetup fromConfig(AgentConfig config) throws IOException {
        Map<Slot, Path> slots = new EnumMap<>(Slot.class);
        if (config.slots() != null && config.slots().a() != null) {
            slots.put(Slot.A, Path.of(config.slots().a()));
            slots.put(Slot.B, Path.of(config.slots().b()));
        }
        AgentConfig.BootloaderConfig bc = config.bootloader();
        if (bc != null && "file".equals(bc.type())) {
            FileBootloader file = new FileBootloader(Path.of(bc.path()));
            return new NodeSetup(slots, file, () -> {
                file.boot();
                return true;
            }, null, () -> file.read().bootId());
        }
        Rebooter reboot = commandRebooter(config.reboot());
        BootIds ids = () -> Files.readString(KERNEL_BOOT_ID, StandardCharsets.US_ASCII).strip();
        if (bc == null) {
            return new NodeSetup(slots, null, reboot, null, ids);
        }
        RootDeviceProbe probe = new RootDeviceProbe(slots, Path.of(config.root()), Path.of("/proc/cmdline"));
        Bootloader grub = new GrubEnvBootloader(bc.editenv() == null ? "grub-editenv" : bc.editenv(),
                Path.of(bc.path()), probe, KERNEL_BOOT_ID);
        return new NodeSetup(slots, grub, reboot, DeviceIdentity.deviceOf(Path.of(config.root())), ids);
    }

    static Rebooter commandRebooter(AgentConfig.Reboot reboot) {
        return () -> {
            try {
                var result = new RunProcessCommand(reboot.command()).setTimeout(Duration.ofMinutes(2)).call();
                if (!result.ok()) {
                    throw new IOException(result.describe("reboot command"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while asking for a reboot", e);
            }
            return false;
        };
    }
}
