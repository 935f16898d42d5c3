package io.gitfleet.reconciler.git;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ProgressMonitor;

/**
 * Progress of one fetch or push, as a line every few seconds ({@code fetch https://…: Receiving objects 4210/9876
 * (42%), 120.4 MiB received, 12s}): quick transfers say nothing, long ones show they move. The line goes where the
 * caller says: stderr for the command line, the log for the server. Lines are written from JGit's own updates, so a
 * transfer that stalls falls silent until the Git timeout ends it.
 */
public final class TransferProgress implements ProgressMonitor {
    /** Makes the monitor for one transfer; {@link #NONE} for none. */
    @FunctionalInterface
    public interface Factory {
        ProgressMonitor monitor(String what, Path objects);
    }

    public static final Factory NONE = (what, objects) -> NullProgressMonitor.INSTANCE;

    private final String what;
    private final Consumer<String> out;
    private final long everyNanos;
    private final LongSupplier nanoTime;
    private final LongSupplier bytes;
    private final long started;
    private long lastLine;
    private String task;
    private int total;
    private int done;
    private int lines;
    /** The most bytes seen: the incoming pack is renamed into place (and no longer counted) at the end. */
    private long mostBytes;

    /**
     * @param bytes what has arrived so far, or null when unknown (a push)
     */
    public TransferProgress(String what, Consumer<String> out, Duration every, LongSupplier nanoTime,
                            LongSupplier bytes) {
        this.what = what;
        this.out = out;
        this.everyNanos = every.toNanos();
        this.nanoTime = nanoTime;
        this.bytes = bytes;
        this.started = nanoTime.getAsLong();
        this.lastLine = started;
    }

    /** Lines to {@code out} every {@code every}, with the bytes of the pack arriving in {@code objects} for fetches. */
    public static Factory every(Duration every, Consumer<String> out) {
        return (what, objects) -> new TransferProgress(what, out, every, System::nanoTime,
                objects == null ? null : () -> incoming(objects));
    }

    /** The size of the packs JGit is receiving ({@code objects/incoming_*.pack}) in a mirror's object folder. */
    static long incoming(Path objects) {
        long sum = 0;
        try (DirectoryStream<Path> packs = Files.newDirectoryStream(objects, "incoming_*.pack")) {
            for (Path p : packs) {
                try {
                    sum += Files.size(p);
                } catch (IOException gone) {
                    // renamed into place meanwhile
                }
            }
        } catch (IOException e) {
            return sum;
        }
        return sum;
    }

    @Override
    public void start(int totalTasks) {
    }

    @Override
    public synchronized void beginTask(String title, int totalWork) {
        task = title;
        total = totalWork;
        done = 0;
        maybeLine();
    }

    @Override
    public synchronized void update(int completed) {
        done += completed;
        maybeLine();
    }

    @Override
    public synchronized void endTask() {
        bytes(); // a task's end is rare: the size of the pack received by then is worth a look
        maybeLine();
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public void showDuration(boolean enabled) {
    }

    /** The closing line, written only when the transfer was long enough to have shown progress. */
    public synchronized void finished() {
        if (lines > 0) {
            long b = bytes();
            out.accept(what + ": done in " + seconds(nanoTime.getAsLong() - started)
                    + (b > 0 ? ", " + size(b) : ""));
        }
    }

    /** Calls {@link #finished()} when {@code monitor} is one of these. */
    public static void finished(ProgressMonitor monitor) {
        if (monitor instanceof TransferProgress p) {
            p.finished();
        }
    }

    private void maybeLine() {
        long now = nanoTime.getAsLong();
        if (now - lastLine < everyNanos || task == null) {
            return;
        }
        lastLine = now;
        lines++;
        StringBuilder line = new StringBuilder(what).append(": ").append(task).append(' ').append(done);
        if (total > 0 && total != UNKNOWN) {
            line.append('/').append(total).append(" (").append(Math.min(100, done * 100L / total)).append("%)");
        }
        long b = bytes();
        if (b > 0) {
            line.append(", ").append(size(b)).append(" received");
        }
        out.accept(line.append(", ").append(seconds(now - started)).toString());
    }

    private long bytes() {
        if (bytes != null) {
            mostBytes = Math.max(mostBytes, bytes.getAsLong());
        }
        return mostBytes;
    }

    private static String seconds(long nanos) {
        return Math.max(0, nanos / 1_000_000_000L) + "s";
    }

    static String size(long b) {
        if (b < 1024) {
            return b + " B";
        }
        if (b < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
    }
}
