package io.gitfleet.reconciler.pass;

import io.gitfleet.reconciler.catalog.CatalogSources;
import io.gitfleet.reconciler.gate.GateRunner;
import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.store.StatusWriter;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;

/**
 * One reconcile pass, as an ordered list of named steps: sync → load → catalog → observe → plan, then record and
 * instruct. The first failing step stops the list; recording always runs, because the status is computed in one
 * place at the end of every pass, failed passes included. Instructions go out only after the status that
 * explains them is recorded (a plan that starts a node is committed before the node hears of it).
 */
public final class ReconcilePass {
    private final List<Step> steps;
    private final Step record;
    private final Step instruct;
    private final PassOptions options;

    public ReconcilePass(FleetMirror mirror, StatusWriter writer, ObservationSource observations,
                         InstructionSink sink, CatalogSources catalogs, PassOptions options) {
        this(mirror, writer, observations, sink, catalogs, options, new GateRunner(), false);
    }

    /**
     * @param gates      runs the external gates the planner asks for; kept between passes by the server
     * @param awaitGates wait for those gates within the pass and plan again with their results: for a single pass
     *                   ({@code reconcile --once}), which has no next pass to read them
     */
    public ReconcilePass(FleetMirror mirror, StatusWriter writer, ObservationSource observations,
                         InstructionSink sink, CatalogSources catalogs, PassOptions options, GateRunner gates,
                         boolean awaitGates) {
        this.options = options;
        this.steps = List.of(
                new SyncStep(mirror, writer),
                new LoadStep(mirror),
                new CatalogStep(catalogs),
                new ObserveStep(observations),
                new PlanStep(gates, awaitGates));
        this.record = new RecordStatusStep(writer);
        this.instruct = new InstructStep(sink);
    }

    public PassResult run(Instant now) {
        return run(now, true);
    }

    /** One pass; {@code fetch} false plans from what the mirror already holds (a report changed, not the repo). */
    public PassResult run(Instant now, boolean fetch) {
        PassState s = new PassState(now, options);
        s.fetch = fetch;
        boolean completed = true;
        for (Step step : steps) {
            if (!attempt(step, s)) {
                completed = false;
                break;
            }
        }
        if (!attempt(record, s)) {
            return result(s, false);
        }
        if (completed && !attempt(instruct, s)) {
            completed = false;
        }
        return result(s, completed);
    }

    private static boolean attempt(Step step, PassState s) {
        long start = System.nanoTime();
        try {
            step.run(s);
            return true;
        } catch (Exception e) {
            s.issues.add(Failures.classify(step.name(), e));
            return false;
        } finally {
            s.timings.put(step.name(), java.time.Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private static PassResult result(PassState s, boolean completed) {
        return new PassResult(s.fleetStatus, s.writtenFleet, s.plan, s.instructions == null ? new TreeMap<>() : s.instructions,
                s.written, List.copyOf(s.issues), completed, new java.util.LinkedHashMap<>(s.timings), s.plans);
    }
}
