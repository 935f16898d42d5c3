package io.gitfleet.agent.install;

import io.gitfleet.agent.boot.DeviceIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/**
 * Streams an image into the inactive slot as a pipeline of three stages that overlap: download and SHA-256 of the
 * compressed bytes on the calling thread (which is also where the source reports its events), zstd decompression
 * on a second ({@link Decompressor}) straight into aligned direct buffers, positional writes from those buffers on
 * two more ({@link SlotWriter}). A zstd window larger than the cap is refused before it is allocated. Never writes
 * past the declared size (which must fit the slot), never opens a slot that is the booted one or holds the running
 * root. Does not fsync: that is {@link VerifySlotCommand}'s step.
 */
public final class WriteSlotCommand {
    /** Compressed bytes per hand-over to the decompressor (~4× that once expanded). */
    static final int BLOCK_SIZE = 512 << 10;
    static final int BLOCKS = 4;
    /** The HTTP body is read in pieces of this size (its socket buffers are 128 KiB). */
    static final int CHUNK_SIZE = 128 << 10;

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
    private int buffers = 4;
    private long maxWindow = ZstdWindow.DEFAULT_MAX;
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

    /** The largest zstd window (decompression memory) accepted; a frame asking for more is refused. */
    public WriteSlotCommand setMaxWindow(long maxWindow) {
        this.maxWindow = maxWindow;
        return this;
    }

    public WriteSlotCommand setMaxRestarts(int maxRestarts) {
        this.maxRestarts = maxRestarts;
        return this;
    }

    public Result call() throws InstallException, InterruptedException {
        guardBootedSlot();
        long slotBytes;
        boolean readOnly;
        try {
            slotBytes = SlotDevice.size(slot);
            readOnly = SlotDevice.readOnly(slot);
        } catch (IOException e) {
            throw new InstallException("cannot open slot " + slotName + ": " + e.getMessage(), e);
        }
        if (readOnly) {
            throw new InstallException("slot " + slotName + " (" + slot + ") is read-only; nothing was written");
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
             SlotWriter writer = new SlotWriter(slot, declaredSize, buffers, bufferSize);
             Decompressor zstd = new Decompressor(writer, declaredSize, maxWindow, BLOCKS, BLOCK_SIZE)) {
            hashed = in;
            byte[] chunk = new byte[CHUNK_SIZE];
            boolean first = true;
            while (true) {
                if (cancelled.getAsBoolean()) {
                    throw new CancelledException();
                }
                ByteBuffer block = zstd.take();
                boolean more = fill(in, chunk, block);
                if (first) {
                    guardWindow(block);
                    first = false;
                }
                zstd.put(block.flip());
                listener.progress(zstd.written(), declaredSize);
                if (!more) {
                    break;
                }
            }
            long written = zstd.finish();
            listener.progress(written, declaredSize);
            return new Result(in.hex(), written, in.count(), restarts);
        } catch (TransferException e) {
            throw e.failure();
        } catch (RestartFromZeroException | InstallException | InterruptedException e) {
            throw e;
        } catch (InterruptedIOException e) {
            // The agent is stopping (service restart, shutdown): not the image's fault. The task resumes later.
            InterruptedException stop = new InterruptedException("interrupted while installing");
            stop.initCause(e);
            throw stop;
        } catch (SlotWriter.SlotWriteException e) {
            throw new InstallException("cannot write slot " + slotName + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DownloadFailedException("download failed: " + e, e);
        } catch (Exception e) {
            long at = hashed == null ? 0 : hashed.count();
            throw new InstallException("install failed after " + at + " compressed bytes: " + e, e);
        }
    }

    /** Reads (and so hashes) compressed bytes into the block until it is full; false at the end of the image. */
    private static boolean fill(InputStream in, byte[] chunk, ByteBuffer block) throws IOException {
        while (block.hasRemaining()) {
            int n = in.read(chunk, 0, Math.min(chunk.length, block.remaining()));
            if (n < 0) {
                return false;
            }
            block.put(chunk, 0, n);
        }
        return true;
    }

    /** The first frame's window, from its header, before the decompressor allocates it. */
    private void guardWindow(ByteBuffer block) throws WindowTooLargeException {
        byte[] head = new byte[Math.min(ZstdWindow.MAX_HEADER, block.position())];
        block.get(0, head);
        OptionalLong window = ZstdWindow.declared(head, head.length);
        if (window.isPresent() && window.getAsLong() > maxWindow) {
            throw ZstdWindow.refused(window.getAsLong(), maxWindow);
        }
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
