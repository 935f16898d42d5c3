package io.gitfleet.reconciler.cli;

import io.gitfleet.reconciler.plan.Observation;
import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.SafeYaml;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.YamlException;
import io.gitfleet.version.CatalogRules;
import io.gitfleet.version.VersionScheme;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * What nodes run, for a dry-run plan: {@code node-1: {os: v1.34.1, kubernetes: v1.34.1}} from a file, and for
 * nodes left out, the lowest version of each component in the fleet's catalogs. Every node reports healthy.
 */
final class ObservedVersions {
    private ObservedVersions() {
    }

    static Map<String, Observation> of(LoadedFleet fleet, Path file, Instant now) throws IOException {
        Map<String, Map<String, String>> given = file == null ? Map.of() : read(file);
        for (String node : given.keySet()) {
            if (!fleet.nodes().containsKey(node)) {
                throw new UsageException(file + ": /" + node + ": no node named " + node + " in nodes/");
            }
        }
        Map<String, String> lowest = lowestVersions(fleet);
        Map<String, Observation> observed = new HashMap<>();
        for (String node : fleet.nodes().keySet()) {
            Map<String, String> components = given.getOrDefault(node, lowest);
            Report.Status status = new Report.Status(null, components,
                    new Report.Slots("a", "a", null, null, null), new Report.Health(true, null), null, null);
            observed.put(node, new Observation(status, now));
        }
        return observed;
    }

    static Map<String, String> lowestVersions(LoadedFleet fleet) {
        Map<String, String> lowest = new LinkedHashMap<>();
        Stream<Catalog.Spec> catalogs = Stream.concat(fleet.catalogs().values().stream().map(Catalog::spec),
                fleet.upgrades().values().stream().map(Upgrade::spec).map(Upgrade.Spec::catalog)
                        .map(Upgrade.CatalogSource::inline).filter(c -> c != null));
        // the lowest of several catalogs of one component, in the scheme of the catalog being merged in (the
        // schemes of one component's catalogs agree, or validation says so)
        catalogs.forEach(c -> CatalogRules.lowest(c).ifPresent(v -> lowest.merge(c.component(), v, (a, b) -> {
            VersionScheme scheme = VersionScheme.of(c);
            return !scheme.parses(a) || !scheme.parses(b) || scheme.compare(a, b) <= 0 ? a : b;
        })));
        return lowest;
    }

    private static Map<String, Map<String, String>> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UsageException(file + ": no such file");
        }
        JsonNode tree;
        try {
            tree = SafeYaml.parse(Files.readAllBytes(file)).tree();
        } catch (YamlException e) {
            throw new UsageException(file + ": " + e.pointer() + ": " + e.getMessage());
        }
        if (!tree.isObject()) {
            throw new UsageException(file + ": /: must map node names to {component: version}");
        }
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> node : tree.properties()) {
            if (!node.getValue().isObject()) {
                throw new UsageException(file + ": /" + node.getKey() + ": must be a mapping such as {os: v1.34.1}");
            }
            Map<String, String> components = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> c : node.getValue().properties()) {
                if (!c.getValue().isString()) {
                    throw new UsageException(file + ": /" + node.getKey() + "/" + c.getKey()
                            + ": must be a version string; quote it");
                }
                components.put(c.getKey(), c.getValue().asString());
            }
            out.put(node.getKey(), components);
        }
        return out;
    }

}
