package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Fleet;
import io.gitfleet.schema.Node;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import java.time.Duration;
import java.time.Instant;
import io.gitfleet.schema.Catalog;
import io.gitfleet.version.CatalogRules;
import io.gitfleet.version.VersionScheme;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.Map;

/** Fleet-wide facts of one pass: the snapshot, what nodes reported, the clock, and the timeouts in force. */
final class PassContext {
    final FleetSnapshot snapshot;
    final Map<String, Observation> observed;
    final Instant now;
    /** Empty when fleet.yaml is missing or invalid: then nothing new starts anywhere. */
    final Fleet.Spec fleet;
    final Duration nodeTimeout;
    /** Silence before this instant is not counted against a node (nobody listened); null: count it all. */
    final Instant listeningSince;
    final Duration silentAfter;
    /** {@code now - silentAfter}: a node last heard before this is silent. */
    private final Instant silentBefore;
    final List<Node> controllers;
    /** The scheme of each component's versions, for {@code requires} ranges on it; built on first use. */
    private Function<String, VersionScheme> schemeOf;
    /** The status branch as the pass found it: the history that disruption estimates learn from. */
    private final java.util.Collection<io.gitfleet.schema.UpgradeStatus> history;
    private DisruptionHistory disruptions;
    /** Upgrades whose external gates the reconciler should run now. */
    final java.util.Set<String> gatesDue = new java.util.TreeSet<>();

    PassContext(FleetSnapshot snapshot, Map<String, Observation> observed, Instant now, Instant listeningSince,
                java.util.Collection<io.gitfleet.schema.UpgradeStatus> history) {
        this.snapshot = snapshot;
        this.history = history;
        this.listeningSince = listeningSince;
        this.observed = observed;
        this.now = now;
        this.fleet = snapshot.fleet().fleet().map(Fleet::spec).orElse(null);
        Fleet.Spec timing = fleet != null ? fleet : Fleet.defaults().spec();
        this.nodeTimeout = timing.nodeTimeoutDuration();
        this.silentAfter = timing.silentAfterDuration();
        this.silentBefore = now.minus(silentAfter);
        this.controllers = snapshot.fleet().nodes().values().stream().filter(n -> n.role() == Role.CONTROLLER)
                .toList();
    }

    /**
     * The scheme a {@code requires} range on a component is read in: that of the fleet's catalogs for the
     * component (the repo's in path order, then inline ones by upgrade, then fetched ones by URL), semver if none.
     */
    Function<String, VersionScheme> schemeOf() {
        if (schemeOf == null) {
            List<Catalog.Spec> catalogs = new ArrayList<>();
            new TreeMap<>(snapshot.fleet().catalogs()).values().forEach(c -> catalogs.add(c.spec()));
            snapshot.fleet().upgrades().values().forEach(u -> {
                if (u.spec().catalog().inline() != null) {
                    catalogs.add(u.spec().catalog().inline());
                }
            });
            new TreeMap<>(snapshot.remoteCatalogs()).values().forEach(catalogs::add);
            schemeOf = CatalogRules.schemeOf(CatalogRules.schemes(catalogs));
        }
        return schemeOf;
    }

    private java.util.Set<String> unhealthy;
    /** The earliest later time at which time alone may change a decision (a window opens, a soak ends, …). */
    Instant wake;

    void wakeAt(Instant t) {
        if (t != null && t.isAfter(now) && (wake == null || t.isBefore(wake))) {
            wake = t;
        }
    }

    /** Nodes whose latest report says unhealthy; computed once a pass (usually none). */
    java.util.Set<String> unhealthy() {
        if (unhealthy == null) {
            unhealthy = new java.util.HashSet<>();
            observed.forEach((n, o) -> {
                if (o.report().health() != null && !o.report().health().healthy()) {
                    unhealthy.add(n);
                }
            });
        }
        return unhealthy;
    }

    /** Built on first use: only upgrades bounded by windows or blackouts need it. */
    DisruptionHistory disruptions() {
        if (disruptions == null) {
            disruptions = new DisruptionHistory(history);
        }
        return disruptions;
    }

    /**
     * The nodes an upgrade selects, in rollout order: their names, roles and reports (null: none yet) at the same
     * index. Upgrades with the same selector and order (the usual case) share one, matched and sorted once a pass;
     * flat arrays, so that ten upgrades over 100,000 nodes do not walk the node records a million times.
     * {@code waitingSilent} holds, once made, the sentence a silent node's rows wait with.
     */
    record Selection(String[] names, Role[] roles, Observation[] observed, String[] waitingSilent) {
    }

    private final Map<List<Object>, Selection> selections = new java.util.HashMap<>();

    Selection selection(Upgrade.Selector selector, Strategy.Order orderName, RolloutOrder order) {
        return selections.computeIfAbsent(List.of(selector, orderName), k -> {
            List<Node> nodes = new ArrayList<>();
            for (Node n : snapshot.fleet().nodes().values()) {
                if (Selectors.matches(selector, n)) {
                    nodes.add(n);
                }
            }
            nodes.sort(order.comparator());
            String[] names = new String[nodes.size()];
            Role[] roles = new Role[nodes.size()];
            Observation[] reports = new Observation[nodes.size()];
            for (int i = 0; i < names.length; i++) {
                Node n = nodes.get(i);
                names[i] = n.name();
                roles[i] = n.role();
                reports[i] = observed.get(names[i]);
            }
            return new Selection(names, roles, reports, new String[names.length]);
        });
    }

    Observation observation(String node) {
        return observed.get(node);
    }

    /** Reported recently enough to be instructed now. */
    boolean online(String node) {
        return online(observed.get(node));
    }

    /** The same for a report already at hand (a selection's, by index): no lookup by name. */
    boolean online(Observation o) {
        return o != null && !o.receivedAt().isBefore(silentBefore);
    }

    /** {@link #waitingSilent(String)} for the selection's node at index {@code i}, kept in the selection. */
    String waitingSilent(Selection selection, int i) {
        String s = selection.waitingSilent()[i];
        if (s == null) {
            s = "waiting: " + silence(selection.observed()[i]);
            selection.waitingSilent()[i] = s;
        }
        return s;
    }

    /**
     * The sentence a row of a silent node waits with, made once a pass per node: every upgrade over a dark
     * datacenter writes it on each of its rows, and formatting the instant is most of a row's cost.
     */
    String waitingSilent(String node) {
        String s = waitingSilent.get(node);
        if (s == null) {
            s = "waiting: " + silence(node);
            waitingSilent.put(node, s);
        }
        return s;
    }

    private final Map<String, String> waitingSilent = new java.util.HashMap<>();

    String silence(String node) {
        return silence(observed.get(node));
    }

    private static String silence(Observation o) {
        return o == null ? "the node has not reported yet" : "the node has not reported since " + o.receivedAt();
    }

    /** Why no controller may start now (invariant 3), or null when one may. */
    String controllerHold(Budget budget) {
        if (budget.controllersInFlight() > 0) {
            return "controller " + budget.controllerInFlight() + " is being upgraded; controllers go one at a time";
        }
        for (Node c : controllers) {
            Observation o = observed.get(c.name());
            if (o == null) {
                return "controller " + c.name() + " has not reported yet; quorum is kept";
            }
            if (o.receivedAt().isBefore(now.minus(silentAfter))) {
                return "controller " + c.name() + " is silent since " + o.receivedAt() + "; quorum is kept";
            }
            Report.Health h = o.report().health();
            if (h != null && !h.healthy()) {
                return "controller " + c.name() + " is unhealthy" + (h.message() == null ? "" : " (" + h.message()
                        + ")") + "; quorum is kept";
            }
        }
        return null;
    }
}
