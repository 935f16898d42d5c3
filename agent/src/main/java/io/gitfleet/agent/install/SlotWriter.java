package io.gitfleet.agent.install;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The disk side of the pipeline: a small pool of aligned direct buffers that the decompressor fills in place, and
 * writer threads doing positional writes from them, so two writes are in flight while the next buffer is being
 * decompressed. Nothing is copied between decompression and the disk; memory is buffers × size, outside the heap.
 *
 * <p>Writes bypass the page cache (O_DIRECT) where the slot allows it: an image is written once and not read
 * back, so caching it would only evict what the running system needs, and filling fresh page-cache pages is
 * what makes a buffered write of a new 1 GiB file 6× slower than a direct one on a VM. The sub-block tail of
 * the image, and slots on file systems without O_DIRECT, are written through the page cache; {@link
 * VerifySlotCommand}'s fsync makes both durable.
 */
final class SlotWriter implements AutoCloseable {
    private record Chunk(ByteBuffer data, long position) {
    }

    /** The disk refused a write (I/O error, device gone); not the image's fault. */
    static final class SlotWriteException extends IOException {
        SlotWriteException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final Chunk DONE = new Chunk(ByteBuffer.allocate(0), -1);
    static final int ALIGNMENT = 4096;
    static final int THREADS = 2;

    private final Path slot;
    private final long limit;
    private final FileChannel direct;
    private volatile FileChannel buffered;
    private final BlockingQueue<ByteBuffer> free;
    private final BlockingQueue<Chunk> full;
    private final List<Thread> threads = new ArrayList<>();
    private volatile IOException failure;

    SlotWriter(Path slot, long limit, int buffers, int bufferSize) throws IOException {
        if (bufferSize % ALIGNMENT != 0) {
            throw new IllegalArgumentException("buffer size must be a multiple of " + ALIGNMENT);
        }
        this.slot = slot;
        this.limit = limit;
        this.direct = openDirect(slot);
        if (direct == null) {
            buffered = FileChannel.open(slot, StandardOpenOption.WRITE);
        }
        this.free = new ArrayBlockingQueue<>(buffers);
        this.full = new ArrayBlockingQueue<>(buffers + THREADS);
        for (int i = 0; i < buffers; i++) {
            free.add(ByteBuffer.allocateDirect(bufferSize + ALIGNMENT).alignedSlice(ALIGNMENT));
        }
        for (int i = 0; i < THREADS; i++) {
            Thread t = new Thread(this::run, "slot-writer-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** An empty buffer to fill; blocks while the disk is behind. */
    ByteBuffer take() throws IOException, InterruptedException {
        while (true) {
            rethrow();
            ByteBuffer buf = free.poll(100, TimeUnit.MILLISECONDS);
            if (buf != null) {
                rethrow();
                return buf.clear();
            }
        }
    }

    /** Gives back a buffer that was taken but not filled. */
    void release(ByteBuffer buf) {
        free.add(buf);
    }

    /** Queues the buffer's bytes (position 0 to its limit) for the slot at {@code position}. */
    void write(ByteBuffer data, long position) throws IOException, InterruptedException {
        if (position < 0 || position + data.remaining() > limit) {
            // The caller checks this first; this is the last line of defence for the slot's end.
            throw new IOException("write of " + data.remaining() + " bytes at " + position + " would pass the limit "
                    + limit);
        }
        rethrow();
        full.put(new Chunk(data, position));
    }

    /** Waits until every queued write is done. */
    void finish() throws IOException, InterruptedException {
        for (int i = 0; i < THREADS; i++) {
            full.put(DONE);
        }
        for (Thread t : threads) {
            t.join();
        }
        rethrow();
    }

    @Override
    public void close() throws IOException {
        for (Thread t : threads) {
            if (t.isAlive()) {
                t.interrupt();
            }
        }
        for (Thread t : threads) {
            try {
                t.join(5000);
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
                // After a failure the buffers still go back, so nobody waits for one forever.
                free.put(c.data);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void put(Chunk c) throws IOException {
        ByteBuffer data = c.data;
        int length = data.remaining();
        int alignedLength = direct == null || c.position % ALIGNMENT != 0 ? 0 : length & -ALIGNMENT;
        if (alignedLength > 0) {
            writeFully(direct, data.duplicate().limit(alignedLength), c.position);
        }
        if (alignedLength < length) {
            writeFully(bufferedChannel(), data.duplicate().position(alignedLength), c.position + alignedLength);
        }
    }

    private synchronized FileChannel bufferedChannel() throws IOException {
        if (buffered == null) {
            buffered = FileChannel.open(slot, StandardOpenOption.WRITE);
        }
        return buffered;
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
