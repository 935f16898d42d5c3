package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradePhase;

/**
 * {@code spec.rollback: true}: every node this upgrade completed switches back to its previous slot, with the
 * same disruption limits as the rollout. The maintenance window does not apply: a rollback is a remedy. Nodes
 * that had not started stay as they are; installs in flight get no instruction, so they stop before their boot
 * switch, or finish and are then rolled back.
 */
final class RollbackStep {
    private final UpgradeWork work;
    private final Upgrade.Spec spec;
    private final PassContext ctx;
    private final Budget budget;
    private final Strategy strategy;

    RollbackStep(UpgradeWork work, Upgrade upgrade, PassContext ctx, Budget budget) {
        this.work = work;
        this.spec = upgrade.spec();
        this.ctx = ctx;
        this.budget = budget;
        Strategy defaults = ctx.fleet != null ? ctx.fleet.defaults().strategy() : null;
        this.strategy = spec.strategy().orElse(defaults).orElse(Strategy.BUILT_IN);
    }

    void run() {
        work.acting = true;
        for (WorkRow r : work.rows) {
            if (r.phase == NodePhase.Instructed && r.action() == Action.INSTALL) {
                // not taken up yet: withdrawn now, so its slot serves the rollback in this very pass
                r.moveTo(NodePhase.Pending, ctx.now);
                r.message("the instruction was withdrawn before the node started");
                budget.release(r.node, r.role);
            }
        }
        if (ctx.fleet != null && !spec.paused()) {
            startRollbacks();
        }
        int remaining = 0;
        int inFlight = 0;
        for (WorkRow r : work.rows) {
            if (r.phase.inFlight()) {
                inFlight++;
            } else if (needsRollback(r)) {
                remaining++;
            }
        }
        if (remaining + inFlight == 0) {
            work.end(UpgradePhase.RolledBack, "RollbackRequested", null);
        } else if (spec.paused() && inFlight == 0) {
            work.end(UpgradePhase.Paused, "Paused", "rollback paused (commit spec.paused: false to resume)");
        } else {
            work.end(UpgradePhase.RollingBack, "RollbackRequested", remaining + " node"
                    + (remaining == 1 ? "" : "s") + " left to roll back");
        }
    }

    private static boolean needsRollback(WorkRow r) {
        return r.phase == NodePhase.Completed && r.action() == Action.INSTALL;
    }

    private void startRollbacks() {
        int max = Limits.maxUnavailable(strategy, work.selectedCount());
        int limit = max == 0 ? Integer.MAX_VALUE : max - work.inFlight();
        String controllerHold = ctx.controllerHold(budget);
        for (WorkRow row : work.rows) {
            if (limit <= 0 || budget.fleetFull()) {
                break;
            }
            if (!needsRollback(row) || !ctx.online(row.node) || budget.heldByOther(row.node, work.name) != null) {
                continue;
            }
            if (row.role == Role.CONTROLLER && controllerHold != null) {
                continue;
            }
            String upgradedTo = row.to();
            row.to(row.from());
            row.from(upgradedTo);
            row.start(Action.ROLLBACK, row.batch() == null ? 0 : row.batch(), false, row.slot() == null ? null
                    : row.slot().equals("a") ? "b" : "a", ctx.now);
            budget.take(row.node, work.name, row.role);
            if (row.role == Role.CONTROLLER) {
                controllerHold = ctx.controllerHold(budget);
            }
            work.started.add(row);
            limit--;
        }
    }
}
