package io.gitfleet.agent.install;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The disk side of the pipeline: a thread doing positional writes from a small ring of large reusable buffers,
 * so decompression on one core overlaps the writes on the other. Heap use is buffers × size, fixed.
 *
 * <p>Writes bypass the page cache (O_DIRECT) where the slot allows it: an image is written once and not read
 * back, so caching it would only evict what the running system needs, and filling fresh page-cache pages is
 * what makes a buffered write of a new 1 GiB file 6× slower than a direct one on a VM. The sub-block tail of
 * the image, and slots on file systems without O_DIRECT, are written through the page cache; {@link
 * VerifySlotCommand}'s fsync makes both durable.
 */
final class SlotWriter implements AutoCloseable {
    private record Chunk(byte[] data, int length, long position) {
    }

    /** The disk refused a write (I/O error, device gone); not the image's fault. */
    static final class SlotWriteException extends IOException {
        SlotWriteException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final Chunk DONE = new Chunk(new byte[0], 0, -1);
    static final int ALIGNMENT = 4096;

    private final Path slot;
    private final long limit;
    private final FileChannel direct;
    private final ByteBuffer aligned;
    private FileChannel buffered;
    private final BlockingQueue<byte[]> free;
    private final BlockingQueue<Chunk> full;
    private final Thread thread;
    private volatile IOException failure;

    SlotWriter(Path slot, long limit, int buffers, int bufferSize) throws IOException {
        if (bufferSize % ALIGNMENT != 0) {
            throw new IllegalArgumentException("buffer size must be a multiple of " + ALIGNMENT);
        }
        this.slot = slot;
        this.limit = limit;
        this.direct = openDirect(slot);
        this.aligned = direct == null ? null : ByteBuffer.allocateDirect(bufferSize + ALIGNMENT).alignedSlice(ALIGNMENT);
        if (direct == null) {
            buffered = FileChannel.open(slot, StandardOpenOption.WRITE);
        }
        this.free = new ArrayBlockingQueue<>(buffers);
        this.full = new ArrayBlockingQueue<>(buffers + 1);
        for (int i = 0; i < buffers; i++) {
            free.add(new byte[bufferSize]);
        }
        this.thread = new Thread(this::run, "slot-writer");
        thread.setDaemon(true);
        thread.start();
    }

    boolean direct() {
        return direct != null;
    }

    /** A free buffer to fill; blocks while the disk is behind. */
    byte[] take() throws IOException, InterruptedException {
        rethrow();
        byte[] buf = free.take();
        rethrow();
        return buf;
    }

    /** Queues {@code length} bytes of {@code data} for the slot at {@code position}. */
    void write(byte[] data, int length, long position) throws IOException, InterruptedException {
        if (position < 0 || position + length > limit) {
            // The caller checks this first; this is the last line of defence for the slot's end.
            throw new IOException("write of " + length + " bytes at " + position + " would pass the limit " + limit);
        }
        rethrow();
        full.put(new Chunk(data, length, position));
    }

    /** Waits until every queued write is done. */
    void finish() throws IOException, InterruptedException {
        full.put(DONE);
        thread.join();
        rethrow();
    }

    @Override
    public void close() throws IOException {
        if (thread.isAlive()) {
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (direct != null) {
            direct.close();
        }
        if (buffered != null) {
            buffered.close();
        }
    }

    private void run() {
        try {
            while (true) {
                Chunk c = full.take();
                if (c == DONE) {
                    return;
                }
                if (failure == null) {
                    try {
                        put(c);
                    } catch (IOException e) {
                        failure = e;
                    }
                }
                free.put(c.data);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void put(Chunk c) throws IOException {
        int alignedLength = direct == null || c.position % ALIGNMENT != 0 ? 0 : c.length & -ALIGNMENT;
        if (alignedLength > 0) {
            aligned.clear();
            aligned.put(c.data, 0, alignedLength).flip();
            writeFully(direct, aligned, c.position);
        }
        if (alignedLength < c.length) {
            if (buffered == null) {
                buffered = FileChannel.open(slot, StandardOpenOption.WRITE);
            }
            writeFully(buffered, ByteBuffer.wrap(c.data, alignedLength, c.length - alignedLength),
                    c.position + alignedLength);
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            pos += channel.write(buf, pos);
        }
    }

    /** Null where the slot's file system has no O_DIRECT (tmpfs, some FUSE): then the page cache it is. */
    private static FileChannel openDirect(Path slot) {
        if (Boolean.getBoolean("gitfleet.noDirectIO")) {
            return null;
        }
        try {
            if (Files.getFileStore(slot).getBlockSize() > ALIGNMENT) {
                return null;
            }
            return FileChannel.open(slot, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private void rethrow() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new SlotWriteException(f);
        }
    }
}
