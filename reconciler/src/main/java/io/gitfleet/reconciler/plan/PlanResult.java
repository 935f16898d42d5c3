package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.UpgradeStatus;
import java.util.List;
import java.util.SortedMap;

/**
 * What one planner pass decided: the status of every upgrade, at most one instruction per node, and one line
 * per transition (for the status commit's message).
 */
public record PlanResult(SortedMap<String, UpgradeStatus> upgrades, SortedMap<String, Instruction> instructions,
                         List<String> events) {
}
