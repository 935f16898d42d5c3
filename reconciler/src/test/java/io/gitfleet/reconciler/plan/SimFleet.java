package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.Fleet;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.Metadata;
import io.gitfleet.schema.Node;
import io.gitfleet.schema.Problem;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** Builds fleets in memory for planner tests: nodes, one OS catalog, upgrades. */
final class SimFleet {
    static final String CATALOG = "catalogs/os.yaml";

    Fleet fleet = new Fleet(Fleet.API_VERSION, Fleet.KIND, Metadata.named("fleet"), new Fleet.Spec(null, null, null,
            new Fleet.DisruptionBudget(2), "15m", "2m", null));
    final SortedMap<String, Node> nodes = new TreeMap<>();
    final SortedMap<String, Upgrade> upgrades = new TreeMap<>();
    final SortedMap<String, List<Problem>> broken = new TreeMap<>();
    Catalog.Spec catalog = osCatalog();

    static Catalog.Image image(String version) {
        return new Catalog.Image(version, "http://images.test/os-" + version + ".img.zst",
                String.format("%064x", version.hashCode() & 0xffffffffL), 1 << 20, Map.of(), Map.of());
    }

    static Catalog.Spec osCatalog() {
        return new Catalog.Spec("os", Map.of("stable", "v1.35.1"), List.of(image("v1.34.0"), image("v1.34.1"),
                image("v1.34.3"), image("v1.35.0"), image("v1.35.1"), image("v1.36.0")), List.of("v1.34.3"), null);
    }

    SimFleet budget(Integer max) {
        fleet = new Fleet(fleet.apiVersion(), fleet.kind(), fleet.metadata(), new Fleet.Spec(null, null, null,
                new Fleet.DisruptionBudget(max), fleet.spec().nodeTimeout(), fleet.spec().silentAfter(), null));
        return this;
    }

    SimFleet node(String name, Role role, String dc, Map<String, String> labels) {
        nodes.put(name, new Node(Node.API_VERSION, Node.KIND, Metadata.named(name),
                new Node.Spec(role, dc, labels, null)));
        return this;
    }

    SimFleet node(String name, Role role) {
        return node(name, role, "dc1", Map.of());
    }

    SimFleet upgrade(String name, Upgrade.Spec spec) {
        upgrades.put(name, new Upgrade(Upgrade.API_VERSION, Upgrade.KIND, Metadata.named(name), spec));
        return this;
    }

    static Upgrade.Spec spec(String version, Strategy strategy) {
        return new Upgrade.Spec("os", version, new Upgrade.CatalogSource(CATALOG, null, null), null, strategy, null,
                null, null, null, null, null, null, null);
    }

    LoadedFleet loaded() {
        Map<String, Catalog> catalogs = new HashMap<>();
        catalogs.put(CATALOG, new Catalog(Catalog.API_VERSION, Catalog.KIND, Metadata.named("os"), catalog));
        return new LoadedFleet(Optional.ofNullable(fleet), new TreeMap<>(nodes), catalogs, new TreeMap<>(upgrades),
                new TreeMap<>(broken), List.of());
    }

    FleetSnapshot snapshot(String commit) {
        return FleetSnapshot.of(commit, loaded());
    }
}
