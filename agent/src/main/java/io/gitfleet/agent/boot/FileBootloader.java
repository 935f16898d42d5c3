package io.gitfleet.agent.boot;

import io.gitfleet.agent.state.AtomicFile;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.Report.SlotState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A bootloader kept in a small JSON file, for tests and the demo. It also plays the firmware: {@link #boot()}
 * does what GRUB does at power-on (consume a pending try, fall back to the primary when a tried boot dies).
 * {@code failBoots} makes the next N tried boots die before userspace, so a node can fail and fall back.
 */
public final class FileBootloader implements Bootloader {
    /** The file's content. {@code boots} counts boots and serves as the boot id. */
    public record State(Slot primary, Slot tryOnce, SlotState a, SlotState b, Slot booted, long boots,
                        int failBoots) {
        State withTry(Slot slot) {
            return new State(primary, slot, a, b, booted, boots, failBoots);
        }

        State withSlot(Slot slot, SlotState state) {
            return slot == Slot.A ? new State(primary, tryOnce, state, b, booted, boots, failBoots)
                    : new State(primary, tryOnce, a, state, booted, boots, failBoots);
        }

        State withPrimary(Slot slot) {
            return new State(slot, tryOnce, a, b, booted, boots, failBoots);
        }
    }

    private final Path file;

    public FileBootloader(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** A fresh node: slot a good, primary and booted. */
    public synchronized State load() throws IOException {
        if (!Files.exists(file)) {
            State fresh = new State(Slot.A, null, SlotState.GOOD, SlotState.UNKNOWN, Slot.A, 1, 0);
            save(fresh);
            return fresh;
        }
        return Documents.MAPPER.readValue(Files.readAllBytes(file), State.class);
    }

    public synchronized void save(State state) throws IOException {
        AtomicFile.write(file, Documents.toJsonBytes(state));
    }

    @Override
    public synchronized BootEnv read() throws IOException {
        State s = load();
        return new BootEnv(s.primary(), s.tryOnce(), s.a(), s.b(), s.booted(), "boot-" + s.boots());
    }

    @Override
    public synchronized void markBad(Slot slot) throws IOException {
        State s = load().withSlot(slot, SlotState.BAD);
        save(slot == s.tryOnce() ? s.withTry(null) : s);
    }

    @Override
    public synchronized void tryOnce(Slot slot) throws IOException {
        save(load().withSlot(slot, SlotState.UNKNOWN).withTry(slot));
    }

    @Override
    public synchronized void markGood(Slot slot) throws IOException {
        State s = load().withSlot(slot, SlotState.GOOD).withPrimary(slot);
        save(slot == s.tryOnce() ? s.withTry(null) : s);
    }

    @Override
    public synchronized void setPrimary(Slot slot) throws IOException {
        save(load().withPrimary(slot).withTry(null));
    }

    /** Power-on, as the firmware and GRUB would do it. Returns the slot that booted. */
    public synchronized Slot boot() throws IOException {
        State s = load();
        Slot booted = s.primary();
        int failBoots = s.failBoots();
        if (s.tryOnce() != null) {
            if (failBoots > 0) {
                // The tried slot died before it could confirm; the watchdog reset and the try is already used up.
                failBoots--;
            } else {
                booted = s.tryOnce();
            }
        }
        State after = new State(s.primary(), null, s.a(), s.b(), booted, s.boots() + 1, failBoots);
        save(after);
        return booted;
    }

    /** The next {@code n} tried boots die before userspace (the demo's "bad image"). */
    public synchronized void failNextTriedBoots(int n) throws IOException {
        State s = load();
        save(new State(s.primary(), s.tryOnce(), s.a(), s.b(), s.booted(), s.boots(), n));
    }
}
