package io.gitfleet.reconciler.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a campaign did and found: the figures it prints. */
final class Figures {
    int rollouts;
    int finished;
    long steps;
    long passes;
    long passesChecked;
    long commitsChecked;
    long instructionsChecked;
    long agentStepsChecked;
    int gitOutages;
    final Map<String, Integer> kills = new TreeMap<>();
    final Map<String, Integer> faults = new TreeMap<>();
    final List<String> violations = new ArrayList<>();
    /** Rollouts that hit the step cap before every upgrade and agent settled, by seed. */
    final List<Long> unfinished = new ArrayList<>();

    /** Adds another worker's figures to these. */
    void add(Figures o) {
        rollouts += o.rollouts;
        finished += o.finished;
        steps += o.steps;
        passes += o.passes;
        passesChecked += o.passesChecked;
        commitsChecked += o.commitsChecked;
        instructionsChecked += o.instructionsChecked;
        agentStepsChecked += o.agentStepsChecked;
        gitOutages += o.gitOutages;
        o.kills.forEach((k, v) -> kills.merge(k, v, Integer::sum));
        o.faults.forEach((k, v) -> faults.merge(k, v, Integer::sum));
        violations.addAll(o.violations);
        unfinished.addAll(o.unfinished);
    }

    int killCount() {
        return kills.values().stream().mapToInt(Integer::intValue).sum();
    }

    int faultCount() {
        return faults.values().stream().mapToInt(Integer::intValue).sum();
    }

    String summary(long seed, double seconds) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("fault campaign: seed %d, %d rollouts (%d settled), %d steps, %.1f s%n", seed, rollouts,
                finished, steps, seconds));
        b.append(String.format("  reconciler kills: %d %s%n", killCount(), kills));
        b.append(String.format("  git server outages: %d%n", gitOutages));
        b.append(String.format("  agent faults: %d %s%n", faultCount(), faults));
        b.append(String.format("  checked: %d status commits, %d passes (of %d), %d instructions, %d agent steps%n",
                commitsChecked, passesChecked, passes, instructionsChecked, agentStepsChecked));
        if (!unfinished.isEmpty()) {
            b.append(String.format("  unsettled at the step cap: %d, seeds %s%n", unfinished.size(),
                    unfinished.subList(0, Math.min(10, unfinished.size()))));
        }
        b.append(String.format("  violations: %d%n", violations.size()));
        violations.stream().limit(20).forEach(v -> b.append("    ").append(v).append('\n'));
        return b.toString();
    }
}
