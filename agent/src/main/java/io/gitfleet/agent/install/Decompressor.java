package io.gitfleet.agent.install;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The middle of the install pipeline, on its own thread: zstd from blocks of compressed bytes (which the
 * downloading thread has hashed) straight into the slot writer's aligned buffers. Decompression is the slowest
 * stage, so it never waits for the hash or for a write unless the writer's buffers are all in flight.
 */
final class Decompressor implements AutoCloseable {
    private static final ByteBuffer END = ByteBuffer.allocateDirect(0);
    private static final ByteBuffer NO_INPUT = ByteBuffer.allocateDirect(0);

    private final ZstdDecompressCtx zstd;
    private final SlotWriter writer;
    private final long limit;
    private final long maxWindow;
    private final BlockingQueue<ByteBuffer> empty;
    private final BlockingQueue<ByteBuffer> filled;
    private final Thread thread;
    private volatile Exception failure;
    private volatile long written;
    private long consumed;
    private boolean frameDone = true;

    Decompressor(SlotWriter writer, long limit, long maxWindow, int blocks, int blockSize) {
        this.writer = writer;
        this.limit = limit;
        this.maxWindow = maxWindow;
        this.zstd = new ZstdDecompressCtx().setLongMax(ZstdWindow.logMax(maxWindow));
        this.empty = new ArrayBlockingQueue<>(blocks);
        this.filled = new ArrayBlockingQueue<>(blocks + 1);
        for (int i = 0; i < blocks; i++) {
            empty.add(ByteBuffer.allocateDirect(blockSize));
        }
        this.thread = new Thread(this::run, "decompressor");
        thread.setDaemon(true);
        thread.start();
    }

    /** An empty block for compressed bytes; blocks while decompression is behind. */
    ByteBuffer take() throws Exception {
        while (true) {
            rethrow();
            ByteBuffer block = empty.poll(100, TimeUnit.MILLISECONDS);
            if (block != null) {
                return block.clear();
            }
        }
    }

    /** Hands over a block (position 0 to its limit). */
    void put(ByteBuffer block) throws Exception {
        rethrow();
        filled.put(block);
    }

    /** Expanded bytes handed to the writer so far. */
    long written() {
        return written;
    }

    /** After the last block: waits for the decompressor's last bytes, then for the disk. Returns the expanded size. */
    long finish() throws Exception {
        filled.put(END);
        thread.join();
        rethrow();
        writer.finish();
        return written;
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            zstd.close();
        }
    }

    private void run() {
        ByteBuffer out = null;
        boolean ended = false;
        try {
            boolean anyInput = false;
            while (true) {
                ByteBuffer in = filled.take();
                if (in == END) {
                    ended = true;
                    break;
                }
                anyInput |= in.hasRemaining();
                while (in.hasRemaining()) {
                    if (out == null) {
                        out = writer.take();
                    }
                    int before = in.position();
                    frameDone = decompress(out, in);
                    consumed += in.position() - before;
                    if (!out.hasRemaining()) {
                        emit(out);
                        out = null;
                    }
                }
                empty.put(in);
            }
            // zstd may still hold decoded bytes of the last block.
            while (true) {
                if (out == null) {
                    out = writer.take();
                }
                int before = out.position();
                boolean done = decompress(out, NO_INPUT);
                if (out.position() == before) {
                    break;
                }
                frameDone = done;
                if (!out.hasRemaining()) {
                    emit(out);
                    out = null;
                }
            }
            if (out.position() > 0) {
                emit(out);
            } else {
                writer.release(out);
            }
            out = null;
            if (anyInput && !frameDone) {
                throw new CorruptImageException("truncated image: the zstd stream ends in the middle of a frame after "
                        + consumed + " compressed bytes", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
            if (!ended) {
                drain();
            }
        } finally {
            if (out != null) {
                writer.release(out);
            }
        }
    }

    private boolean decompress(ByteBuffer out, ByteBuffer in) throws InstallException {
        try {
            return zstd.decompressDirectByteBufferStream(out, in);
        } catch (ZstdException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.toLowerCase(Locale.ROOT).contains("memory") || msg.toLowerCase(Locale.ROOT).contains("window")) {
                throw ZstdWindow.refused(null, maxWindow);
            }
            throw new CorruptImageException("corrupt image: zstd: " + msg + " (after " + consumed
                    + " compressed bytes)", e);
        }
    }

    private void emit(ByteBuffer out) throws IOException, InterruptedException, InstallException {
        out.flip();
        if (written + out.remaining() > limit) {
            throw new ImageTooLargeException(limit);
        }
        long at = written;
        long length = out.remaining();
        writer.write(out, at);
        written = at + length;
    }

    /** After a failure the blocks still go back, so the downloading thread learns of it instead of waiting. */
    private void drain() {
        try {
            while (true) {
                ByteBuffer in = filled.take();
                if (in == END) {
                    return;
                }
                empty.put(in);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void rethrow() throws Exception {
        Exception f = failure;
        if (f != null) {
            throw f;
        }
    }
}
