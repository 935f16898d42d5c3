package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.Node;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import io.gitfleet.version.CatalogRules;
import io.gitfleet.version.TargetResolution;
import io.gitfleet.version.VersionScheme;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The eight invariants of DESIGN.md §4 (and a few more), checked on one planner step. Public for the fault
 * campaign ({@code io.gitfleet.reconciler.fault}), which checks them on every pass of a real reconciler.
 */
public final class Invariants {
    private static final VersionScheme SEMVER = VersionScheme.SEMVER;
    private Invariants() {
    }

    static void check(FleetSnapshot snap, Map<String, Observation> observed, Map<String, UpgradeStatus> previous,
                      PlanResult result, Instant now) {
        check(snap, observed, previous, result, now, null);
    }

    /**
     * @param listeningSince since when the reconciler has heard agents (null: always): a silence from before it
     *                       does not count against a node (docs/planner.md, observe)
     */
    public static void check(FleetSnapshot snap, Map<String, Observation> observed, Map<String, UpgradeStatus> previous,
                             PlanResult result, Instant now, Instant listeningSince) {
        Map<String, Node> nodes = snap.fleet().nodes();
        Duration timeout = snap.fleet().fleet().get().spec().nodeTimeoutDuration();
        Duration silent = snap.fleet().fleet().get().spec().silentAfterDuration();
        Integer fleetMax = snap.fleet().fleet().get().spec().disruptionBudget().maxUnavailable();

        // 1 and 4: instructions only for approved upgrades, at the approved commit, for allowed versions
        for (Instruction i : result.instructions().values()) {
            Instruction.Spec s = i.spec();
            Upgrade u = snap.fleet().upgrades().get(s.upgrade());
            require(u != null, "instruction for an upgrade not at the approved commit: " + s.upgrade());
            require(snap.commit().equals(s.approvedCommit()), "instruction names another commit");
            require(Selectors.matches(u.spec().selector(), nodes.get(i.name())), "instruction for an unselected node");
            UpgradeStatus st = result.upgrades().get(s.upgrade());
            require(st.status().phase() != UpgradePhase.Rejected && st.status().phase() != UpgradePhase.Cancelled,
                    "instruction from a rejected or cancelled upgrade");
            if (s.action() == Action.INSTALL) {
                Catalog.Spec cat = snap.fleet().localCatalog(u).orElseThrow();
                TargetResolution.Target t = (TargetResolution.Target) CatalogRules.resolve(cat, "os", u.spec().version());
                require(VersionScheme.of(cat).same(s.version(), t.version()), "instruction version is not the target");
                require(!cat.blocked().contains(s.version()), "blocked version targeted");
                require(s.image().sha256().equals(t.image().sha256()), "image digest differs from the catalog");
                require(!u.spec().rollback(), "install instruction during a rollback");
                UpgradeStatus.NodeRow row = result.upgrades().get(s.upgrade()).status().nodes().stream()
                        .filter(r -> r.node().equals(i.name())).findFirst().orElseThrow();
                // stage ahead: stage-only exactly while the row is staging; a switch names the image it staged
                require(s.isStageOnly() == row.isStaging(), i.name() + " stageOnly " + s.isStageOnly()
                        + " but its row staging " + row.isStaging());
                require(row.image() == null || row.image().equals(s.image().sha256()),
                        i.name() + " instructed with another image than its row's");
            } else {
                require(u.spec().rollback(), "rollback instruction without spec.rollback");
            }
        }

        java.util.function.Supplier<DisruptionHistory> history = new java.util.function.Supplier<>() {
            private DisruptionHistory built;

            @Override
            public DisruptionHistory get() {
                if (built == null) {
                    built = new DisruptionHistory(previous.values());
                }
                return built;
            }
        };
        Map<String, String> inFlightNode = new HashMap<>();
        Map<String, String> anyTask = new HashMap<>();
        int controllersInFlight = 0;
        for (UpgradeStatus st : result.upgrades().values()) {
            String name = st.metadata().name();
            Upgrade u = snap.fleet().upgrades().get(name);
            Strategy strategy = u == null ? null : u.spec().strategy().orElse(Strategy.BUILT_IN);
            UpgradeStatus prev = previous.get(name);
            Map<String, UpgradeStatus.NodeRow> before = new HashMap<>();
            if (prev != null) {
                prev.status().nodes().forEach(r -> before.put(r.node(), r));
            }
            int inFlight = 0;
            int staging = 0;
            int startedHere = 0;
            int stagedHere = 0;
            int selected = st.status().nodes().size();
            int failed = 0;
            boolean canariesDone = true;
            int canaries = 0;
            for (UpgradeStatus.NodeRow r : st.status().nodes()) {
                if (r.phase() == NodePhase.Failed) {
                    failed++;
                }
                if (r.isCanary()) {
                    canaries++;
                    canariesDone &= r.phase() == NodePhase.Completed;
                }
            }
            for (UpgradeStatus.NodeRow r : st.status().nodes()) {
                Observation o = observed.get(r.node());
                if (r.phase().inFlight()) {
                    // 7: one task per node across all upgrades, staging ahead included
                    String other = anyTask.put(r.node(), name);
                    require(other == null, r.node() + " in flight in " + other + " and " + name);
                    if (r.isStaging()) {
                        staging++;
                    } else {
                        inFlight++;
                        inFlightNode.put(r.node(), name);
                        if (r.role() == Role.CONTROLLER) {
                            controllersInFlight++;
                        }
                    }
                    // 8: no disrupted node silent past its timeout
                    Instant heard = o == null || o.receivedAt().isBefore(r.since()) ? r.since() : o.receivedAt();
                    if (listeningSince != null && heard.isBefore(listeningSince)) {
                        heard = listeningSince;
                    }
                    require(!heard.isBefore(now.minus(timeout)), r.node() + " silent past the timeout but " + r.phase());
                }
                UpgradeStatus.NodeRow b = before.get(r.node());
                boolean started = r.phase() == NodePhase.Instructed && r.attempt() > (b == null ? 0 : b.attempt());
                boolean activated = !started && b != null && b.isStaging() && !r.isStaging() && r.phase().inFlight()
                        && now.equals(r.activatedAt());
                if (started && r.isStaging()) {
                    stagedHere++;
                    checkStage(snap, u, r, o, now, silent);
                } else if (started || activated) {
                    startedHere++;
                    checkStart(snap, u, strategy, st, r, o, observed, now, silent, failed, canariesDone, canaries);
                    if (r.action() == Action.INSTALL) {
                        RolloutRules.checkSwitch(snap, u, strategy, prev, st, r, observed, now);
                        RolloutRules.checkFits(snap, u, strategy, r, history.get(), timeout, now);
                    }
                }
                boolean plannerSkipped = r.phase() == NodePhase.Skipped && (b == null || b.phase() != NodePhase.Skipped)
                        && !(o != null && o.report().task() != null && name.equals(o.report().task().upgrade())
                        && o.report().task().attempt() == r.attempt() && o.report().task().phase() == NodePhase.Skipped);
                if (plannerSkipped) {
                    // 6: skip only when the reported version is known and equal, and so is the digest when the
                    // node reports one: a re-spun image under the same version is an upgrade
                    String reported = o == null ? null : o.report().components().get("os");
                    require(reported != null && SEMVER.parses(reported)
                            && SEMVER.same(reported, st.status().resolvedVersion()),
                            r.node() + " skipped without a known equal version: " + reported);
                    String digest = o.report().digests().get("os");
                    String wanted = targetSha(snap, u);
                    require(digest == null || digest.equals(wanted), r.node() + " skipped while it runs image "
                            + digest + " and the catalog's " + reported + " is " + wanted);
                    require(!u.spec().force(), "skipped despite force");
                }
            }
            // 2: per-upgrade limit. An operator may lower the limit below what is already in flight: then
            // nothing new starts until the count is back under it.
            int max = strategy == null ? 0 : Limits.maxUnavailable(strategy, selected);
            if (max > 0 && inFlight > max) {
                require(startedHere == 0 && limitLowered(prev, max), name + " has " + inFlight
                        + " nodes in flight, max " + max + " (" + startedHere + " started now)");
            }
            if (strategy != null && stagedHere > 0) {
                int maxStaging = Limits.maxStaging(strategy, selected);
                require(staging <= maxStaging, name + " has " + staging + " nodes staging, maxStaging " + maxStaging);
            }
            if (strategy != null && startedHere > 0) {
                RolloutRules.checkPhases(u, strategy, prev, st, now);
            }
        }
        // 2: fleet budget; 3: one controller at a time
        if (fleetMax != null) {
            require(inFlightNode.size() <= fleetMax, inFlightNode.size() + " nodes disrupted, fleet budget " + fleetMax);
        }
        require(controllersInFlight <= 1, controllersInFlight + " controllers disrupted at once");
        Set<String> instructed = new HashSet<>(result.instructions().keySet());
        require(anyTask.keySet().containsAll(instructed), "instruction for a node with no row in flight");
    }

    private static void checkStart(FleetSnapshot snap, Upgrade u, Strategy strategy, UpgradeStatus st,
                                   UpgradeStatus.NodeRow r, Observation o, Map<String, Observation> observed,
                                   Instant now, Duration silent, int failed, boolean canariesDone, int canaries) {
        String name = st.metadata().name();
        require(u != null, "start without a manifest");
        require(!u.spec().paused(), name + " started " + r.node() + " while paused");
        require(o != null && !o.receivedAt().isBefore(now.minus(silent)), "started a silent node " + r.node());
        // 5: no new install after failures beyond the budget with stopOnFailure (a requested rollback still runs)
        if (strategy.stopOnFailure() && r.action() == Action.INSTALL) {
            require(failed <= Limits.failureBudget(strategy, st.status().nodes().size()), name + " started " + r.node() + " (" + r.action() + ", phase " + st.status().phase() + ") after " + failed
                    + " failures");
        }
        if (r.action() == Action.INSTALL) {
            String dc = snap.fleet().nodes().get(r.node()).spec().datacenter();
            String closed = new Schedule(u.spec()).whyNot(dc, now, Duration.ZERO);
            require(closed == null, "switched " + r.node() + " although " + closed);
            String reported = o.report().components().get("os");
            String target = st.status().resolvedVersion();
            // 6: not already at the target (unless force, or the image under that version changed); no version
            // the bootloader fell back from
            if (reported != null && SEMVER.parses(reported)) {
                String digest = o.report().digests().get("os");
                boolean respun = digest != null && !digest.equals(targetSha(snap, u));
                require(u.spec().force() || respun || !SEMVER.same(reported, target),
                        "started a node already at the target");
                // 4: no unapproved downgrade
                require(u.spec().allowDowngrade() || SEMVER.compare(reported, target) <= 0,
                        "downgrade without allowDowngrade: " + r + " reports " + reported);
            }
            require(!o.report().fellBackFrom("os", target) || u.spec().retry().containsKey(r.node()),
                    "retried a fell-back version without a nonce on " + r.node());
            if (strategy.canary() != null && !r.isCanary()) {
                require(canariesDone && canaries >= Math.min(1, Limits.canaryNodes(strategy, st.status().nodes().size())),
                        "non-canary start before the canary completed");
                require(strategy.canary().promote() == Strategy.Promote.AUTO || u.spec().promoted(),
                        "non-canary start before promotion");
            }
        }
        // 3: controllers only while every controller is healthy and reporting
        if (r.role() == Role.CONTROLLER) {
            for (Node c : snap.fleet().nodes().values()) {
                if (c.role() != Role.CONTROLLER) {
                    continue;
                }
                Observation co = observed.get(c.name());
                require(co != null && !co.receivedAt().isBefore(now.minus(silent)),
                        "controller started while " + c.name() + " is silent");
                Report.Health h = co.report().health();
                require(h == null || h.healthy(), "controller started while " + c.name() + " is unhealthy");
            }
        }
    }

    private static String targetSha(FleetSnapshot snap, Upgrade u) {
        Catalog.Spec cat = snap.fleet().localCatalog(u).orElseThrow();
        return ((TargetResolution.Target) CatalogRules.resolve(cat, "os", u.spec().version())).image().sha256();
    }

    /** The previous status already had more in flight than the current limit allows. */
    private static boolean limitLowered(UpgradeStatus prev, int max) {
        return prev != null && prev.status().nodes().stream().filter(r -> r.phase().inFlight() && !r.isStaging())
                .count() > max;
    }

    /** A node starts staging ahead only while it reports, and with {@code staging: window} only inside the window. */
    private static void checkStage(FleetSnapshot snap, Upgrade u, UpgradeStatus.NodeRow r, Observation o,
                                   Instant now, Duration silent) {
        require(u != null && !u.spec().paused(), "staged " + r.node() + " while paused or without a manifest");
        Strategy s = u.spec().strategy();
        require(s.staging() != null, "staged " + r.node() + " without staging");
        require(o != null && !o.receivedAt().isBefore(now.minus(silent)), "staged a silent node " + r.node());
        if (s.staging() == Strategy.Staging.WINDOW) {
            String dc = snap.fleet().nodes().get(r.node()).spec().datacenter();
            require(new Schedule(u.spec()).windowOpen(dc, now), "staged " + r.node() + " outside the window");
        }
    }

    static void require(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("invariant broken: " + what);
        }
    }
}
