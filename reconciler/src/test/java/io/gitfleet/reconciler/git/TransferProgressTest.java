package io.gitfleet.reconciler.git;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lines a transfer shows, on a clock the test moves: one every interval at most, none for a short one. */
class TransferProgressTest {
    private long now;
    private long bytes;
    private final List<String> lines = new ArrayList<>();

    private TransferProgress progress() {
        return new TransferProgress("fetch https://git.example/fleet.git", lines::add, Duration.ofSeconds(2),
                () -> now, () -> bytes);
    }

    @Test
    void aLineEveryIntervalWithObjectsBytesAndTime() {
        TransferProgress p = progress();
        p.beginTask("Receiving objects", 1000);
        for (int i = 0; i < 10; i++) {
            now += 500_000_000L; // half a second per update
            bytes += 3 * 1024 * 1024;
            p.update(100);
        }
        p.endTask();
        p.beginTask("Resolving deltas", 0);
        now += 2_000_000_000L;
        p.update(40);
        p.finished();
        assertEquals(List.of(
                "fetch https://git.example/fleet.git: Receiving objects 400/1000 (40%), 12.0 MiB received, 2s",
                "fetch https://git.example/fleet.git: Receiving objects 800/1000 (80%), 24.0 MiB received, 4s",
                "fetch https://git.example/fleet.git: Resolving deltas 40, 30.0 MiB received, 7s",
                "fetch https://git.example/fleet.git: done in 7s, 30.0 MiB"), lines);
    }

    @Test
    void aShortTransferSaysNothing() {
        TransferProgress p = progress();
        p.beginTask("Receiving objects", 10);
        now += 1_900_000_000L;
        p.update(10);
        p.endTask();
        p.finished();
        assertEquals(List.of(), lines);
    }
}
