package io.gitfleet.agent.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a path is on the machine, independent of its name: a block device is its device number (st_rdev), a
 * regular file its (st_dev, st_ino). Two symlinks, a by-partlabel alias and /dev/sda2 all compare equal.
 */
public record DeviceIdentity(boolean blockDevice, long rdev, long dev, long ino) {
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    public static DeviceIdentity of(Path path) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:mode,rdev,dev,ino");
        int mode = (Integer) a.get("mode");
        return new DeviceIdentity((mode & S_IFMT) == S_IFBLK, (Long) a.get("rdev"), (Long) a.get("dev"),
                (Long) a.get("ino"));
    }

    /** The device the file system holding {@code path} lives on (for {@code /}: the root partition). */
    public static long deviceOf(Path path) throws IOException {
        return (Long) Files.getAttribute(path, "unix:dev", LinkOption.NOFOLLOW_LINKS);
    }

    public boolean sameAs(DeviceIdentity other) {
        return blockDevice ? other.blockDevice && rdev == other.rdev
                : !other.blockDevice && dev == other.dev && ino == other.ino;
    }

    /** Whether a file system mounted from this device is the one holding {@code mountedDevice}. */
    public boolean holds(long mountedDevice) {
        return blockDevice && rdev == mountedDevice;
    }

    public int major() {
        return (int) (((rdev >>> 32) & 0xfffff000L) | ((rdev >>> 8) & 0xfffL));
    }

    public int minor() {
        return (int) (((rdev >>> 12) & 0xffffff00L) | (rdev & 0xffL));
    }
}
