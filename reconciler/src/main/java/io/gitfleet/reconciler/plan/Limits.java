package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Amount;
import io.gitfleet.schema.Strategy;

/**
 * Counts and percentages of a strategy turned into node counts, against the number of nodes the upgrade selects.
 * The rounding (docs/planner.md, "Percentages"): limits round down but never below one node, so a share of a small
 * fleet still moves; the failure budget rounds down (10 % of 9 nodes tolerates no failure); canaries and phase
 * sizes round up (10 % of 15 nodes is 2 canaries).
 */
final class Limits {
    /** When {@code maxStaging} is not given: a quarter of the selected nodes, never fewer than maxUnavailable. */
    static final Amount DEFAULT_MAX_STAGING = Amount.percent(25);

    private Limits() {
    }

    /** Nodes disrupted at once; 0 means no limit (a plain {@code 0}; "0%" is refused by validation). */
    static int maxUnavailable(Strategy s, int selected) {
        Amount a = s.maxUnavailable();
        if (a == null) {
            return 1;
        }
        return a.percent() ? a.floorAtLeastOne(selected) : a.value();
    }

    /** Nodes started together, or null for no batches. */
    static Integer batchSize(Strategy s, int selected) {
        Amount a = s.batchSize();
        if (a == null) {
            return null;
        }
        return a.percent() ? a.floorAtLeastOne(selected) : Math.max(1, a.value());
    }

    static int failureBudget(Strategy s, int selected) {
        Amount a = s.failureBudget();
        return a == null ? 0 : a.floor(selected);
    }

    static int canaryNodes(Strategy s, int selected) {
        if (s.canary() == null || s.canary().nodes() == null) {
            return 0;
        }
        Amount a = s.canary().nodes();
        return a.percent() ? Math.max(1, a.ceil(selected)) : a.value();
    }

    static int maxStaging(Strategy s, int selected) {
        Amount a = s.maxStaging();
        if (a == null) {
            int max = maxUnavailable(s, selected);
            return Math.max(DEFAULT_MAX_STAGING.floorAtLeastOne(selected), max == 0 ? selected : max);
        }
        return a.percent() ? a.floorAtLeastOne(selected) : Math.max(1, a.value());
    }
}
