package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.UpgradeStatus;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;

/**
 * What one planner pass decided: the status of every upgrade, at most one instruction per node, one line per
 * transition (for the status commit's message), the upgrades whose external gates should be run now (at a
 * promotion point, for the next pass to read), and {@code nextChange}: the earliest later time at which time alone
 * (a window opening, a soak, settle time or blackout ending) may change a decision, or null.
 */
public record PlanResult(SortedMap<String, UpgradeStatus> upgrades, SortedMap<String, Instruction> instructions,
                         List<String> events, Set<String> gatesDue, java.time.Instant nextChange) {
    public PlanResult {
        gatesDue = gatesDue == null ? Set.of() : Set.copyOf(gatesDue);
    }

    public PlanResult(SortedMap<String, UpgradeStatus> upgrades, SortedMap<String, Instruction> instructions,
                      List<String> events, Set<String> gatesDue) {
        this(upgrades, instructions, events, gatesDue, null);
    }

    public PlanResult(SortedMap<String, UpgradeStatus> upgrades, SortedMap<String, Instruction> instructions,
                      List<String> events) {
        this(upgrades, instructions, events, null);
    }
}
