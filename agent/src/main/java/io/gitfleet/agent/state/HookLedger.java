package io.gitfleet.agent.state;

import io.gitfleet.schema.Documents;
import io.gitfleet.schema.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code STATE_DIR/hooks.json}: whether gitfleet's drain holds the node cordoned (so that the uncordon, and only
 * it, undoes it, even after a crash or a reboot) and the last task whose end hooks ran (so that they run once per
 * task, and again after a crash in the middle of them). Its own small file, replaced atomically, so that the task
 * state's format does not change for it.
 */
public final class HookLedger {
    public static final String FILE = "hooks.json";

    /** {@code cordon}: gitfleet's own cordon, or null; {@code ended}: "upgrade#attempt" of the last finished task. */
    public record Entry(Report.Cordon cordon, String ended) {
    }

    private final Path file;

    public HookLedger(Path stateDir) {
        this.file = stateDir.resolve(FILE);
    }

    public Path file() {
        return file;
    }

    /** Null when the file was never written (an agent that ran before hooks had owners). */
    public Entry load() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            return Documents.MAPPER.readValue(bytes, Entry.class);
        } catch (RuntimeException e) {
            // Forgetting a cordon would leave the node unschedulable for good; say so and let the operator look.
            throw new IOException("the hook record " + file + " is unreadable, so gitfleet cannot tell whether it "
                    + "cordoned this node; check the node, then repair or remove the file", e);
        }
    }

    public void save(Entry entry) throws IOException {
        AtomicFile.write(file, Documents.toJsonBytes(entry));
    }

    /**
     * The key {@link Entry#ended()} holds for an ended task: its upgrade, attempt and the time it entered its end
     * state, which tells apart two manual installs (both upgrade "manual").
     */
    public static String key(Task task) {
        return task.spec().upgrade() + "#" + task.spec().attempt() + "#" + task.sinceMillis();
    }
}
