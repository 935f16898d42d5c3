package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Durations;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradePhase;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Where a phased rollout ({@code strategy.phases}) stands, derived from the rows alone so that nothing extra has to
 * be remembered: phase sizes are cumulative counts of switched nodes; at a phase's end the next one starts only
 * when every node of it finished, its soak has passed since the last one finished, the external gates passed after
 * that, and, with {@code promote: manual}, once {@code spec.promotedPhase} (or {@code promoted: true}) allows it.
 */
final class PhasePlan {
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    /**
     * @param room   how many more nodes may be switched now ({@link Integer#MAX_VALUE}: the phases set no cap)
     * @param hold   why no node may be switched now, or null
     * @param phase  the upgrade phase to show while held
     * @param reason the status reason while held
     */
    record Verdict(int room, String hold, UpgradePhase phase, String reason) {
        static final Verdict FREE = new Verdict(Integer.MAX_VALUE, null, null, null);
    }

    private PhasePlan() {
    }

    /** Whether the row's node has been switched (its disruption began) for this upgrade. */
    static boolean switched(WorkRow r) {
        if (r.deselected || r.action() != Action.INSTALL || r.attempt == 0) {
            return false;
        }
        return r.disruptive() || r.phase == NodePhase.Completed
                || r.phase == NodePhase.Failed && r.activatedAt() != null;
    }

    static Verdict judge(String name, Strategy strategy, Upgrade.Spec spec, List<WorkRow> rows, Instant now,
                         GateResults gates, java.util.Set<String> gatesDue,
                         java.util.function.Consumer<Instant> wake) {
        List<Strategy.Phase> phases = strategy.phases();
        if (phases.isEmpty()) {
            return Verdict.FREE;
        }
        int base = 0;
        int switched = 0;
        boolean inFlight = false;
        Instant lastFinished = null;
        for (WorkRow r : rows) {
            if (r.deselected || r.phase == NodePhase.Skipped) {
                continue;
            }
            base++;
            if (switched(r)) {
                switched++;
                inFlight |= r.disruptive();
                if (!r.phase.inFlight() && (lastFinished == null || r.since().isAfter(lastFinished))) {
                    lastFinished = r.since();
                }
            }
        }
        int previousTarget = 0;
        for (int i = 0; i < phases.size(); i++) {
            int target = phases.get(i).target(base);
            if (switched >= target) {
                previousTarget = target;
                continue;
            }
            if (i == 0 || switched > previousTarget) {
                return new Verdict(target - switched, null, null, null);
            }
            // every phase that ends exactly here must let go (small fleets round several phases to one size)
            for (int done = 1; done <= i; done++) {
                if (phases.get(done - 1).target(base) == previousTarget) {
                    Verdict held = boundary(name, phases, done, spec, strategy, inFlight, lastFinished, now, gates,
                            gatesDue, wake);
                    if (held != null) {
                        return held;
                    }
                }
            }
            return new Verdict(target - switched, null, null, null);
        }
        return Verdict.FREE;
    }

    /** The end of phase {@code next - 1} (0-based {@code next}): may phase {@code next} begin? */
    private static Verdict boundary(String name, List<Strategy.Phase> phases, int next, Upgrade.Spec spec,
                                    Strategy strategy, boolean inFlight, Instant lastFinished, Instant now,
                                    GateResults gates, java.util.Set<String> gatesDue,
                                    java.util.function.Consumer<Instant> wake) {
        Strategy.Phase done = phases.get(next - 1);
        String which = "phase " + next + " of " + phases.size() + " (" + done + ")";
        if (inFlight) {
            return new Verdict(0, which + " is finishing", UpgradePhase.RollingOut, null);
        }
        Instant soakEnd = lastFinished == null ? now
                : done.soak() == null ? lastFinished : lastFinished.plus(Durations.parse(done.soak()));
        if (now.isBefore(soakEnd)) {
            wake.accept(soakEnd);
            return new Verdict(0, which + " is done; soaking until " + AT.format(soakEnd), UpgradePhase.Waiting,
                    "Soaking");
        }
        if (!strategy.gates().isEmpty()) {
            if (gates == null || gates.at().isBefore(soakEnd)) {
                gatesDue.add(name);
                return new Verdict(0, which + " is done; waiting for the gates to be checked", UpgradePhase.Waiting,
                        "GatesPending");
            }
            GateResults.Result failed = gates.firstFailure();
            if (failed != null) {
                gatesDue.add(name);
                return new Verdict(0, which + " is done; gate " + failed.gate() + " did not pass: " + failed.reason()
                        + " (checked " + AT.format(gates.at()) + ")", UpgradePhase.Waiting, "GateFailed");
            }
        }
        int number = next + 1;
        boolean released = spec.promoted() || spec.promotedPhase() != null && spec.promotedPhase() >= number;
        if (done.promote() == Strategy.Promote.MANUAL && !released) {
            return new Verdict(0, which + " succeeded; commit spec.promotedPhase: " + number + " to start phase "
                    + number + " (" + phases.get(next) + ")", UpgradePhase.AwaitingPromotion, "PhaseCompleted");
        }
        return null;
    }
}
