package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Report;
import io.gitfleet.schema.Upgrade;

/**
 * The upgrade's {@code install} options against what the node's agent reports it can do: a node that would refuse
 * is shown Blocked with the reason instead of being instructed (and failing).
 */
final class InstallCapabilities {
    private InstallCapabilities() {
    }

    /** Why this node cannot do the upgrade's install options; null when it can. */
    static String missing(Upgrade.InstallOptions install, Report.Status report) {
        if (install != null && install.upgradeRecovery() && !report.hasRecoverySlot()) {
            return "install.upgradeRecovery asks for the recovery slot, but this node's agent reports none "
                    + "(set slots.recovery in its agent config, or remove upgradeRecovery)";
        }
        return null;
    }
}
