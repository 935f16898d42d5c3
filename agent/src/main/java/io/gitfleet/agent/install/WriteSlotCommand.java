package io.gitfleet.agent.install;

import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import io.gitfleet.agent.boot.DeviceIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * Streams an image into the inactive slot: download (resumed by the source), SHA-256 of the compressed bytes,
 * zstd decompression, positional writes on a second thread. Never writes past the declared size (which must fit
 * the slot), never opens a slot that is the booted one or holds the running root. Does not fsync: that is
 * {@link VerifySlotCommand}'s step.
 */
public final class WriteSlotCommand {
    /** {@code --long=31} windows: what {@code zstd --long} may produce; the window lives in native memory. */
    public static final int LONG_WINDOW_LOG_MAX = 31;

    /** What was written: the digest and count of the compressed bytes, the expanded bytes, starts over. */
    public record Result(String sha256, long expandedBytes, long compressedBytes, int restarts) {
    }

    private ImageSource source;
    private Path slot;
    private String slotName = "?";
    private long declaredSize;
    private Path bootedSlot;
    private Long rootDevice;
    private TransferListener listener = TransferListener.NONE;
    private BooleanSupplier cancelled = () -> false;
    private int bufferSize = 4 << 20;
    private int buffers = 3;
    private int maxRestarts = DownloadSettings.DEFAULTS.maxRestarts();

    public WriteSlotCommand setSource(ImageSource source) {
        this.source = source;
        return this;
    }

    public WriteSlotCommand setSlot(String name, Path slot) {
        this.slotName = name;
        this.slot = slot;
        return this;
    }

    public WriteSlotCommand setDeclaredSize(long declaredSize) {
        this.declaredSize = declaredSize;
        return this;
    }

    /** The booted slot's device: the target must not be the same device (compared by identity, not name). */
    public WriteSlotCommand setBootedSlot(Path bootedSlot) {
        this.bootedSlot = bootedSlot;
        return this;
    }

    /** The device number of the running root file system ({@code st_dev} of {@code /}). */
    public WriteSlotCommand setRootDevice(Long rootDevice) {
        this.rootDevice = rootDevice;
        return this;
    }

    public WriteSlotCommand setListener(TransferListener listener) {
        this.listener = listener;
        return this;
    }

    public WriteSlotCommand setCancelled(BooleanSupplier cancelled) {
        this.cancelled = cancelled;
        return this;
    }

    public WriteSlotCommand setBuffers(int buffers, int bufferSize) {
        this.buffers = buffers;
        this.bufferSize = bufferSize;
        return this;
    }

    public WriteSlotCommand setMaxRestarts(int maxRestarts) {
        this.maxRestarts = maxRestarts;
        return this;
    }

    public Result call() throws InstallException, InterruptedException {
        guardBootedSlot();
        long slotBytes;
        try {
            slotBytes = SlotDevice.size(slot);
        } catch (IOException e) {
            throw new InstallException("cannot open slot " + slotName + ": " + e.getMessage(), e);
        }
        if (declaredSize > slotBytes) {
            throw new SlotTooSmallException(slotName, slotBytes, declaredSize);
        }
        for (int restarts = 0; ; restarts++) {
            try {
                return attempt(restarts);
            } catch (RestartFromZeroException e) {
                if (restarts >= maxRestarts) {
                    throw new DownloadFailedException("download failed: " + e.getMessage() + "; started over "
                            + restarts + " times", e);
                }
                listener.restarting(e.getMessage());
            }
        }
    }

    private Result attempt(int restarts) throws InstallException, InterruptedException, RestartFromZeroException {
        HashingInputStream hashed = null;
        try (InputStream raw = source.open();
             HashingInputStream in = new HashingInputStream(raw);
             ZstdInputStreamNoFinalizer zstd = new ZstdInputStreamNoFinalizer(in).setLongMax(LONG_WINDOW_LOG_MAX);
             SlotWriter writer = new SlotWriter(slot, declaredSize, buffers, bufferSize)) {
            hashed = in;
            long written = 0;
            while (true) {
                if (cancelled.getAsBoolean()) {
                    throw new CancelledException();
                }
                byte[] buf = writer.take();
                int n = fill(zstd, buf);
                if (n > 0) {
                    if (written + n > declaredSize) {
                        throw new ImageTooLargeException(declaredSize);
                    }
                    writer.write(buf, n, written);
                    written += n;
                    listener.progress(written, declaredSize);
                }
                if (n < buf.length) {
                    break;
                }
            }
            writer.finish();
            return new Result(in.hex(), written, in.count(), restarts);
        } catch (TransferException e) {
            throw e.failure();
        } catch (RestartFromZeroException e) {
            throw e;
        } catch (ZstdIOException e) {
            long at = hashed == null ? 0 : hashed.count();
            String msg = String.valueOf(e.getMessage());
            if (msg.toLowerCase(java.util.Locale.ROOT).contains("truncated")) {
                throw new CorruptImageException("truncated image: the zstd stream ends in the middle of a frame after "
                        + at + " compressed bytes", e);
            }
            throw new CorruptImageException("corrupt image: zstd: " + msg + " (after " + at + " compressed bytes)", e);
        } catch (InterruptedIOException e) {
            // The agent is stopping (service restart, shutdown): not the image's fault. The task resumes later.
            InterruptedException stop = new InterruptedException("interrupted while installing");
            stop.initCause(e);
            throw stop;
        } catch (SlotWriter.SlotWriteException e) {
            throw new InstallException("cannot write slot " + slotName + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DownloadFailedException("download failed: " + e, e);
        }
    }

    private static int fill(InputStream in, byte[] buf) throws IOException {
        int off = 0;
        while (off < buf.length) {
            int n = in.read(buf, off, buf.length - off);
            if (n < 0) {
                break;
            }
            off += n;
        }
        return off;
    }

    private void guardBootedSlot() throws InstallException {
        try {
            if (!Files.exists(slot)) {
                throw new InstallException("cannot open slot " + slotName + ": " + slot + " does not exist");
            }
            DeviceIdentity target = DeviceIdentity.of(slot);
            if (bootedSlot != null && Files.exists(bootedSlot) && target.sameAs(DeviceIdentity.of(bootedSlot))) {
                throw new BootedSlotException(slotName, "it is the same device as the booted slot " + bootedSlot);
            }
            if (rootDevice != null && target.holds(rootDevice)) {
                throw new BootedSlotException(slotName, "the running root file system is mounted from it");
            }
        } catch (IOException e) {
            throw new InstallException("cannot inspect slot " + slotName + ": " + e.getMessage(), e);
        }
    }
}
