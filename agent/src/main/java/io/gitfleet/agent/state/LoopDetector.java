package io.gitfleet.agent.state;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Stops a task that keeps re-entering one state (a crash loop while writing, a reboot that never happens).
 * Entries are counted per task and persisted with it, so crashes count too. Downloading and Writing allow more:
 * each resume of a cut transfer re-enters them.
 */
public final class LoopDetector {
    public static final int DEFAULT_LIMIT = 5;
    public static final int TRANSFER_LIMIT = 40;

    private final Map<State, Integer> limits = new EnumMap<>(State.class);
    private final int defaultLimit;

    public LoopDetector(int defaultLimit, int transferLimit) {
        this.defaultLimit = defaultLimit;
        limits.put(State.DOWNLOADING, transferLimit);
        limits.put(State.WRITING, transferLimit);
    }

    public LoopDetector() {
        this(DEFAULT_LIMIT, TRANSFER_LIMIT);
    }

    /** The failure reason when entering {@code next} once more would exceed its limit. */
    public Optional<String> check(Map<String, Integer> entries, State next) {
        if (next.terminal()) {
            return Optional.empty();
        }
        int limit = limits.getOrDefault(next, defaultLimit);
        int count = entries.getOrDefault(next.name(), 0) + 1;
        if (count > limit) {
            return Optional.of("loop detected: entered " + next.name() + " (" + next.phase() + ") " + count
                    + " times, the limit is " + limit);
        }
        return Optional.empty();
    }
}
