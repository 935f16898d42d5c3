package io.gitfleet.agent.install;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The Verifying step: the size and digest the writer measured must match the instruction, and the slot is
 * synced (fsync covers every dirty page of the device, whichever descriptor wrote it).
 */
public final class VerifySlotCommand {
    private final Path slot;
    private final String expectedSha256;
    private final long declaredSize;

    public VerifySlotCommand(Path slot, String expectedSha256, long declaredSize) {
        this.slot = slot;
        this.expectedSha256 = expectedSha256;
        this.declaredSize = declaredSize;
    }

    public void call(WriteSlotCommand.Result written) throws InstallException {
        if (!written.sha256().equalsIgnoreCase(expectedSha256)) {
            throw new DigestMismatchException(expectedSha256, written.sha256());
        }
        if (written.expandedBytes() != declaredSize) {
            throw new SizeMismatchException(written.expandedBytes(), declaredSize);
        }
        try (FileChannel channel = FileChannel.open(slot, StandardOpenOption.WRITE)) {
            channel.force(true);
        } catch (IOException e) {
            throw new InstallException("cannot sync slot " + slot + ": " + e.getMessage(), e);
        }
    }
}
