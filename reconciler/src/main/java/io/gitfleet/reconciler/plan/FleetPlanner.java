package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Problem;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import io.gitfleet.version.CatalogRules;
import io.gitfleet.version.Reason;
import io.gitfleet.version.Rejection;
import io.gitfleet.version.TargetResolution;
import io.gitfleet.version.VersionScheme;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The planner: {@code plan(fleet at the approved commit, node reports, previous status, now)} → new status and at
 * most one instruction per node. Pure: no Git, HTTP, files or clocks. The invariants it keeps are listed in
 * DESIGN.md §4 and checked after every step of {@code PlannerPropertyTest}.
 */
public final class FleetPlanner {
    private static final int MAX_EVENTS = 200;

    private FleetPlanner() {
    }

    public static PlanResult plan(FleetSnapshot snapshot, Map<String, Observation> observed,
                                  Map<String, UpgradeStatus> previous, Instant now) {
        return plan(snapshot, observed, previous, now, null);
    }

    /**
     * @param listeningSince since when the reports in {@code observed} have been heard live (a reconciler that
     *                       just started or took over): a node's silence counts towards {@code nodeTimeout} only
     *                       from then; null when the reports are as recorded
     */
    public static PlanResult plan(FleetSnapshot snapshot, Map<String, Observation> observed,
                                  Map<String, UpgradeStatus> previous, Instant now, Instant listeningSince) {
        PassContext ctx = new PassContext(snapshot, observed, now, listeningSince, previous.values());
        LoadedFleet fleet = snapshot.fleet();

        TreeSet<String> names = new TreeSet<>(previous.keySet());
        names.addAll(fleet.upgrades().keySet());
        names.addAll(fleet.brokenUpgrades().keySet());

        // observe: reports and timeouts move in-flight rows, for every upgrade, before anything new starts
        Map<String, UpgradeWork> works = new TreeMap<>();
        for (String name : names) {
            UpgradeWork w = new UpgradeWork(name, previous.get(name));
            w.observe(ctx);
            works.put(name, w);
        }
        Budget budget = new Budget(ctx.fleet == null ? null : ctx.fleet.disruptionBudget().maxUnavailable());
        for (UpgradeWork w : works.values()) {
            for (WorkRow r : w.rows) {
                if (r.disruptive()) {
                    budget.take(r.node, w.name, r.role);
                } else if (r.phase.inFlight()) {
                    budget.hold(r.node, w.name);
                }
            }
        }

        // plan: each upgrade in name order takes what is left of the shared budget
        SortedMap<String, Instruction> instructions = new TreeMap<>();
        for (UpgradeWork w : works.values()) {
            Upgrade upgrade = fleet.upgrades().get(w.name);
            if (upgrade == null) {
                settleWithoutManifest(w, fleet.brokenUpgrades().get(w.name));
                w.dropFinishedDeselected();
                continue;
            }
            w.component = upgrade.spec().component();
            w.desiredVersion = upgrade.spec().version();
            w.approvedCommit = snapshot.commit();
            planOne(w, upgrade, ctx, budget);
            w.dropFinishedDeselected();
            if (w.acting) {
                instruct(w, upgrade, catalogOf(upgrade, snapshot), snapshot, instructions);
            }
        }
        for (UpgradeWork w : works.values()) {
            w.withdrawUnstarted(instructions, now);
        }

        SortedMap<String, UpgradeStatus> statuses = new TreeMap<>();
        List<String> events = new ArrayList<>();
        for (UpgradeWork w : works.values()) {
            UpgradeStatus status = w.toStatus(now);
            statuses.put(w.name, status);
            describe(w, status, events);
        }
        if (events.size() > MAX_EVENTS) {
            int more = events.size() - MAX_EVENTS;
            events.subList(MAX_EVENTS, events.size()).clear();
            events.add("… and " + more + " more transitions");
        }
        return new PlanResult(statuses, instructions, List.copyOf(events), ctx.gatesDue, ctx.wake);
    }

    private static void planOne(UpgradeWork w, Upgrade upgrade, PassContext ctx, Budget budget) {
        Upgrade.Spec spec = upgrade.spec();
        Catalog.Spec catalog = catalogOf(upgrade, ctx.snapshot);
        if (catalog == null) {
            String url = spec.catalog().url();
            String why = url == null ? localCatalogProblem(spec.catalog().ref(), ctx.snapshot.fleet())
                    : ctx.snapshot.remoteErrors().getOrDefault(url, "the catalog " + url + " has not been fetched yet");
            reject(w, Reason.CatalogUnavailable, why);
            return;
        }
        List<Problem> invalid = CatalogRules.check(catalogFile(upgrade), catalogPointer(upgrade), catalog,
                ctx.schemeOf());
        if (!invalid.isEmpty()) {
            reject(w, Reason.InvalidCatalog, invalid.get(0).toString()
                    + (invalid.size() > 1 ? " (and " + (invalid.size() - 1) + " more problems)" : ""));
            return;
        }
        TargetResolution resolution = CatalogRules.resolve(catalog, spec.component(), spec.version());
        if (resolution instanceof Rejection r) {
            reject(w, r.reason(), r.message());
            return;
        }
        TargetResolution.Target target = (TargetResolution.Target) resolution;
        w.resolvedVersion = target.version();
        if (spec.rollback()) {
            new RollbackStep(w, upgrade, ctx, budget).run();
        } else {
            new RolloutStep(w, upgrade, catalog, target, ctx, budget).run();
        }
    }

    /** The file a catalog's problems are reported against: its ref, the manifest that carries it, or its URL. */
    private static String catalogFile(Upgrade upgrade) {
        Upgrade.CatalogSource source = upgrade.spec().catalog();
        return source.ref() != null ? source.ref() : source.url() != null ? source.url()
                : "upgrades/" + upgrade.name() + ".yaml";
    }

    private static String catalogPointer(Upgrade upgrade) {
        return upgrade.spec().catalog().inline() != null ? "/spec/catalog/inline" : "/spec";
    }

    /** Why a {@code ref} catalog is unusable, naming the file's first problem with its pointer. */
    private static String localCatalogProblem(String ref, LoadedFleet fleet) {
        for (Problem p : fleet.problems()) {
            if (p.file().equals(ref)) {
                return "the catalog " + ref + " is not valid: " + p.pointer() + ": " + p.message();
            }
        }
        return "the catalog " + ref + " does not exist";
    }

    static Catalog.Spec catalogOf(Upgrade upgrade, FleetSnapshot snapshot) {
        String url = upgrade.spec().catalog().url();
        if (url != null) {
            return snapshot.remoteCatalogs().get(url);
        }
        return snapshot.fleet().localCatalog(upgrade).orElse(null);
    }

    /** A rejected upgrade keeps its rows (in-flight ones still follow their reports) but instructs no one. */
    private static void reject(UpgradeWork w, Reason reason, String message) {
        w.acting = false;
        w.end(UpgradePhase.Rejected, reason.name(), message);
    }

    /** The manifest is gone (cancel) or broken (rejected until fixed): no new start, no instruction. */
    private static void settleWithoutManifest(UpgradeWork w, List<Problem> problems) {
        w.acting = false;
        if (problems != null) {
            w.end(UpgradePhase.Rejected, Reason.InvalidManifest.name(), problems.get(0).toString()
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more problems)" : ""));
            return;
        }
        UpgradePhase p = w.phase;
        if (p != UpgradePhase.Succeeded && p != UpgradePhase.Failed && p != UpgradePhase.RolledBack
                && p != UpgradePhase.Cancelled) {
            w.end(UpgradePhase.Cancelled, "ManifestDeleted", "the manifest was deleted; no new node starts, "
                    + "nodes in the middle of a step finish it");
        }
    }

    /**
     * Instructions for the rows in flight. A row gets none (the agent stops before its boot switch) when its target
     * or image digest is no longer the upgrade's, or when it was staging ahead of a rollout that failed: a staged
     * image is only ever activated by an instruction naming the very digest it staged.
     */
    private static void instruct(UpgradeWork w, Upgrade upgrade, Catalog.Spec catalog, FleetSnapshot snapshot,
                                 SortedMap<String, Instruction> out) {
        Upgrade.Spec spec = upgrade.spec();
        Catalog.Image image = null;
        VersionScheme scheme = VersionScheme.of(catalog);
        for (WorkRow r : w.rows) {
            if (!r.phase.inFlight() || r.deselected) {
                continue;
            }
            Instruction.ImageRef ref = null;
            if (r.action() == Action.INSTALL) {
                if (spec.rollback() || !r.to().equals(w.resolvedVersion)) {
                    continue;
                }
                if (r.staging && (w.phase == UpgradePhase.Failed || w.phase == UpgradePhase.Cancelled)) {
                    continue;
                }
                if (image == null) {
                    image = ((TargetResolution.Target) CatalogRules.resolve(catalog, spec.component(),
                            spec.version())).image();
                }
                if (r.image() != null && !r.image().equals(image.sha256())) {
                    continue;
                }
                ref = new Instruction.ImageRef(image.url(), image.sha256(), image.size(), image.payload());
            } else if (!spec.rollback()) {
                continue;
            }
            // a rollback names the version it returns to only when the node had reported a valid one
            String version = r.action() == Action.INSTALL || scheme.parses(r.to()) ? r.to() : null;
            // semver is left out, as before schemes existed: instructions to nodes on semver stay as they were
            String schemeName = scheme == VersionScheme.SEMVER ? null : scheme.wire();
            Instruction instruction = Instruction.of(r.node, new Instruction.Spec(w.name, r.attempt, r.nonce(),
                    r.action(), spec.component(), version, snapshot.commit(), ref, spec.install(), spec.force(),
                    schemeName, r.action() == Action.INSTALL && r.staging));
            Instruction clash = out.putIfAbsent(r.node, instruction);
            if (clash != null) {
                throw new IllegalStateException("two instructions for " + r.node + ": " + clash.spec().upgrade()
                        + " and " + w.name);
            }
        }
    }

    private static void describe(UpgradeWork w, UpgradeStatus status, List<String> events) {
        UpgradeStatus.Counts c = status.status().counts();
        String progress = " (" + (c.completed() + c.skipped()) + "/" + c.total() + ")";
        UpgradePhase before = w.previous == null ? null : w.previous.status().phase();
        if (before != status.status().phase()) {
            events.add(w.name + ": " + (before == null ? "" : before + " → ") + status.status().phase()
                    + (status.status().message() == null ? "" : " — " + status.status().message()));
        }
        for (WorkRow r : w.rows) {
            NodePhase was = r.originalPhase();
            if (r.phase != was && !(r.isNew() && r.phase == NodePhase.Pending)) {
                events.add(w.name + ": " + r.node + " " + (was == null ? "" : was + " → ") + r.phase + progress
                        + (r.phase == NodePhase.Failed && r.failureReason() != null ? ": " + r.failureReason() : ""));
            }
        }
    }
}
