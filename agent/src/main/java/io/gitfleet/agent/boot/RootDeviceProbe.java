package io.gitfleet.agent.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the booted slot of a real machine: the slot whose block device holds the root file system (by device
 * number, never by path), else the {@code gitfleet.slot=a|b} kernel argument that grub.cfg passes.
 */
public final class RootDeviceProbe implements BootedSlotProbe {
    private final Map<Slot, Path> slots;
    private final Path root;
    private final Path cmdline;

    public RootDeviceProbe(Map<Slot, Path> slots, Path root, Path cmdline) {
        this.slots = Map.copyOf(slots);
        this.root = root;
        this.cmdline = cmdline;
    }

    @Override
    public Optional<Slot> booted() throws IOException {
        long rootDevice = DeviceIdentity.deviceOf(root);
        for (Map.Entry<Slot, Path> e : slots.entrySet()) {
            if (Files.exists(e.getValue()) && DeviceIdentity.of(e.getValue()).holds(rootDevice)) {
                return Optional.of(e.getKey());
            }
        }
        if (cmdline != null && Files.isReadable(cmdline)) {
            for (String arg : Files.readString(cmdline, StandardCharsets.UTF_8).trim().split("\\s+")) {
                if (arg.startsWith("gitfleet.slot=")) {
                    return Optional.ofNullable(Slot.parse(arg.substring("gitfleet.slot=".length())));
                }
            }
        }
        return Optional.empty();
    }
}
