package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.pass.PassResult;
import io.gitfleet.reconciler.pass.ReconcilePass;
import io.gitfleet.reconciler.store.StatusUpdate;
import io.gitfleet.reconciler.store.StatusWriter;
import io.gitfleet.schema.NodeStatus;
import io.gitfleet.webhooks.WebhookEvent;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The server's parts as the reconcile loop uses them. */
final class ServerLoopParts implements ReconcileLoop.Parts {
    private final Replica replica;
    private final StandbyView standby;
    private final ReportBook reports;
    private final StatusWriter writer;
    private final ReconcilePass pass;
    private final Runnable beforePass;
    private final ServerState state;
    private final ServerMetrics metrics;
    private final PullRequestPlans plans;
    private final Health health;
    /** The forge's commit status per upgrade, or null when none is posted. */
    private volatile RolloutStatuses rollouts;

    ServerLoopParts(Replica replica, StandbyView standby, ReportBook reports, StatusWriter writer, ReconcilePass pass,
                    Runnable beforePass, ServerState state, ServerMetrics metrics, PullRequestPlans plans,
                    Health health) {
        this.replica = replica;
        this.standby = standby;
        this.reports = reports;
        this.writer = writer;
        this.pass = pass;
        this.beforePass = beforePass;
        this.state = state;
        this.metrics = metrics;
        this.plans = plans;
        this.health = health;
    }

    void setRollouts(RolloutStatuses rollouts) {
        this.rollouts = rollouts;
    }

    @Override
    public void turning() {
        health.tick();
    }

    @Override
    public boolean acting() {
        return replica.acting();
    }

    @Override
    public void look(boolean fetch) {
        standby.look(fetch);
        observe();
    }

    @Override
    public void recordReports() throws IOException {
        List<NodeStatus> changed = reports.drainChanged();
        if (!changed.isEmpty()) {
            writer.submit(view -> new StatusUpdate().putAll(changed));
        }
    }

    @Override
    public PassResult pass(Instant now, boolean fetch) {
        beforePass.run();
        return pass.run(now, fetch);
    }

    @Override
    public void show(PassResult result, Duration took) {
        state.update(result);
        health.passed(result);
        metrics.pass(took, result.completed());
        metrics.steps(result.timings());
        observe();
        RolloutStatuses r = rollouts;
        if (r != null && result.plan() != null && result.status() != null) {
            r.show(result.status().status().approvedCommit(), result.plan().upgrades().values());
        }
    }

    /** What the metrics show of the fleet, whether this replica acts or stands by. */
    private void observe() {
        metrics.statuses(state.upgrades().values());
        metrics.fleet(state.fleetStatus());
        metrics.nodes(state.reports());
        state.history(1).stream().findFirst().ifPresent(c -> metrics.statusCommitted(Instant.parse((String) c.get("time"))));
    }

    @Override
    public void flushDue() throws IOException {
        writer.flushIfDue();
    }

    @Override
    public PullRequestPlans.Outcome plan(WebhookEvent.PlanPullRequest pr, Instant now) {
        return plans.plan(pr, state.upgrades(), now);
    }

    @Override
    public void count(String what) {
        metrics.loop(what);
    }
}
