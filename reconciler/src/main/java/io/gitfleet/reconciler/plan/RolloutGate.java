package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Durations;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradePhase;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * Upgrade-wide reasons of one pass, most important first. {@code stop} ends every new start, staging included;
 * {@code hold} stops only boot switches, so nodes may still stage ahead. {@code room}: how many more nodes the
 * phases let switch now.
 */
final class RolloutGate {
    private final UpgradeWork work;
    private final Strategy strategy;
    private final Upgrade.Spec spec;
    private final PassContext ctx;
    private final Schedule schedule;
    private final Function<WorkRow, String> datacenter;

    String stop;
    UpgradePhase stopPhase;
    String stopReason;
    String hold;
    UpgradePhase holdPhase;
    String holdReason;
    int room = Integer.MAX_VALUE;

    RolloutGate(UpgradeWork work, Strategy strategy, Upgrade.Spec spec, PassContext ctx, Schedule schedule,
                int failureBudget, boolean noCanary, Function<WorkRow, String> datacenter) {
        this.work = work;
        this.strategy = strategy;
        this.spec = spec;
        this.ctx = ctx;
        this.schedule = schedule;
        this.datacenter = datacenter;
        int failed = 0;
        int remaining = 0;
        WorkRow failedCanary = null;
        WorkRow firstFailed = null;
        WorkRow unhealthy = null;
        Instant lastCompleted = null;
        java.util.Set<String> sick = ctx.unhealthy();
        for (WorkRow r : work.rows) {
            if (r.phase == NodePhase.Failed) {
                failed++;
                firstFailed = firstFailed == null ? r : firstFailed;
                if (r.canary && failedCanary == null) {
                    failedCanary = r;
                }
            }
            if (r.phase == NodePhase.Pending || r.phase.inFlight() && r.staging) {
                remaining++;
            }
            if (r.phase == NodePhase.Completed && !r.deselected) {
                Instant since = r.since();
                lastCompleted = lastCompleted == null || since.isAfter(lastCompleted) ? since : lastCompleted;
                if (unhealthy == null && !sick.isEmpty() && sick.contains(r.node)
                        && !ctx.observation(r.node).receivedAt().isBefore(r.since())) {
                    unhealthy = r;
                }
            }
        }
        Duration deadline = strategy.deadline() == null ? null : Durations.parse(strategy.deadline());
        if (failedCanary != null) {
            stop(UpgradePhase.Failed, "NodeFailed", "canary " + failedCanary.node + " failed: "
                    + failedCanary.failureReason());
        } else if (strategy.stopOnFailure() && failed > failureBudget) {
            stop(UpgradePhase.Failed, "NodeFailed", firstFailed.node + " failed: " + firstFailed.failureReason()
                    + (failed > 1 ? " (" + failed + " nodes failed)" : ""));
        } else if (deadline != null && work.startedAt != null && remaining > 0
                && !ctx.now.isBefore(work.startedAt.plus(deadline))) {
            stop(UpgradePhase.Failed, "DeadlineExceeded", "not finished within the deadline of "
                    + strategy.deadline() + " from the first start (" + work.startedAt + "); " + remaining
                    + " node" + (remaining == 1 ? "" : "s") + " not upgraded");
        } else if (ctx.fleet == null) {
            stop(UpgradePhase.Waiting, "Waiting",
                    "fleet.yaml is missing or not valid; nothing new starts until it is fixed");
        } else if (spec.paused()) {
            stop(UpgradePhase.Paused, "Paused", "paused (commit spec.paused: false to resume)");
        }
        if (stop != null) {
            return;
        }
        String closed = closedEverywhere();
        PhasePlan.Verdict phases = PhasePlan.judge(work.name, strategy, spec, work.rows, ctx.now,
                ctx.snapshot.gates().get(work.name), ctx.gatesDue, ctx::wakeAt);
        Duration settle = strategy.settle() == null ? null : Durations.parse(strategy.settle());
        if (unhealthy != null) {
            hold(UpgradePhase.Waiting, "NodeUnhealthy", unhealthy.node + " is unhealthy since it was upgraded ("
                    + ctx.observation(unhealthy.node).report().health().message()
                    + "); no further node is switched until it recovers");
        } else if (noCanary) {
            hold(UpgradePhase.Waiting, "Waiting", "no selected node matches the canary selector "
                    + "(spec.strategy.canary.selector)");
        } else if (closed != null) {
            hold(UpgradePhase.Waiting, "Waiting", closed);
        } else if (phases.hold() != null) {
            hold(phases.phase(), phases.reason(), phases.hold());
        } else if (settle != null && lastCompleted != null && ctx.now.isBefore(lastCompleted.plus(settle))) {
            ctx.wakeAt(lastCompleted.plus(settle));
            hold(UpgradePhase.Waiting, "Settling", "settling: the next node switches after "
                    + lastCompleted.plus(settle));
        }
        room = phases.room();
    }

    private void stop(UpgradePhase p, String reason, String text) {
        stop = text;
        stopPhase = p;
        stopReason = reason;
    }

    private void hold(UpgradePhase p, String reason, String text) {
        hold = text;
        holdPhase = p;
        holdReason = reason;
    }

    /** The window or a blackout holds every node still to switch (the same answer for all of them). */
    private String closedEverywhere() {
        if (!schedule.bounded()) {
            return null;
        }
        String first = null;
        java.util.Set<String> seen = new java.util.HashSet<>();
        boolean any = false;
        for (WorkRow r : work.rows) {
            if (r.deselected || !(r.phase == NodePhase.Pending || r.phase.inFlight() && r.staging)) {
                continue;
            }
            String dc = String.valueOf(datacenter.apply(r));
            if (!seen.add(dc)) {
                continue;
            }
            any = true;
            String why = schedule.whyNot(datacenter.apply(r), ctx.now, Duration.ZERO);
            if (why == null) {
                return null;
            }
            ctx.wakeAt(schedule.nextChange(datacenter.apply(r), ctx.now));
            first = first == null ? why : first;
        }
        if (!any) {
            ctx.wakeAt(schedule.nextChange(null, ctx.now));
        }
        return any ? first : schedule.whyNot(null, ctx.now, Duration.ZERO);
    }
}
