package io.gitfleet.reconciler.cli;

import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.UpgradeStatus;

/** The command an operator would run next for an upgrade in its phase: the same advice in the CLI and the docs. */
final class NextStep {
    private NextStep() {
    }

    static String forUpgrade(UpgradeStatus u) {
        String n = u.name();
        UpgradeStatus.State s = u.status();
        String failed = s.nodes().stream().filter(r -> r.phase() == NodePhase.Failed).map(UpgradeStatus.NodeRow::node)
                .findFirst().orElse(null);
        return switch (s.phase()) {
            case AwaitingPromotion -> "the canary succeeded: gitfleet promote " + n + " (then merge the branch)";
            case Paused -> "gitfleet resume " + n;
            case Failed -> failed != null ? "read why: gitfleet get node " + failed + "; then gitfleet retry " + n
                    + " " + failed + ", or gitfleet rollback " + n : "gitfleet rollback " + n;
            case Rejected -> "fix upgrades/" + n + ".yaml as the message says and open a pull request";
            case Waiting -> "nothing: it starts when " + (s.message() == null ? "its wait is over" : s.message());
            case RollingOut, RollingBack, Pending -> "nothing: watch it with gitfleet wait " + n + " --for Succeeded";
            case Succeeded, RolledBack, Cancelled -> "nothing: it is over";
        };
    }
}
