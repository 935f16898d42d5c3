package io.gitfleet.schema;

import io.gitfleet.version.CatalogRules;
import io.gitfleet.version.Rejection;
import io.gitfleet.version.TargetResolution;
import io.gitfleet.version.Version;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rules that span files or that a schema cannot say: references between documents, versions that must
 * resolve, names that must exist. Each finding names the file and field like a schema error.
 */
final class FleetRules {
    private FleetRules() {
    }

    static List<Problem> check(LoadedFleet fleet, Collection<String> paths) {
        List<Problem> problems = new ArrayList<>();
        fleet.fleet().ifPresent(f -> {
            if (f.spec().approvedBranch().equals(f.spec().statusBranch())) {
                problems.add(new Problem(FleetLoader.FLEET_FILE, "/spec/statusBranch",
                        "must differ from the approved branch"));
            }
        });
        fleet.fleet().ifPresent(f -> {
            if (f.spec().defaults() != null && f.spec().defaults().strategy() != null) {
                StrategyRules.check(FleetLoader.FLEET_FILE, "/spec/defaults/strategy", f.spec().defaults().strategy(),
                        problems);
            }
        });
        fleet.catalogs().forEach((path, catalog) -> checkCatalog(path, "/spec", catalog.spec(), problems));
        for (Upgrade upgrade : fleet.upgrades().values()) {
            checkUpgrade(fleet, paths, upgrade, problems);
        }
        return problems;
    }

    private static void checkCatalog(String file, String at, Catalog.Spec spec, List<Problem> problems) {
        Set<Version> seen = new HashSet<>();
        for (int i = 0; i < spec.images().size(); i++) {
            Version v = Version.parse(spec.images().get(i).version());
            if (!seen.add(v)) {
                problems.add(new Problem(file, at + "/images/" + i + "/version", v + " appears twice in the catalog"));
            }
        }
        for (Map.Entry<String, String> channel : spec.channels().entrySet()) {
            Version v = Version.parse(channel.getValue());
            if (!seen.contains(v)) {
                problems.add(new Problem(file, at + "/channels/" + channel.getKey(),
                        v + " is not one of the catalog's images"));
            }
        }
    }

    private static void checkUpgrade(LoadedFleet fleet, Collection<String> paths, Upgrade upgrade,
                                     List<Problem> problems) {
        String file = "upgrades/" + upgrade.name() + ".yaml";
        Upgrade.Spec spec = upgrade.spec();
        Upgrade.CatalogSource source = spec.catalog();
        if (source.ref() != null && !fleet.catalogs().containsKey(source.ref())) {
            problems.add(new Problem(file, "/spec/catalog/ref", paths.contains(source.ref())
                    ? source.ref() + " is not valid (see its own problems)" : source.ref() + " does not exist"));
        }
        if (source.inline() != null) {
            checkCatalog(file, "/spec/catalog/inline", source.inline(), problems);
        }
        fleet.localCatalog(upgrade).ifPresent(catalog -> {
            TargetResolution resolution = CatalogRules.resolve(catalog, spec.component(), spec.version());
            if (resolution instanceof Rejection r) {
                String pointer = r.reason() == io.gitfleet.version.Reason.ComponentMismatch
                        ? "/spec/component" : "/spec/version";
                problems.add(new Problem(file, pointer, r.message()));
            }
        });
        for (int i = 0; i < spec.selector().nodeNames().size(); i++) {
            String node = spec.selector().nodeNames().get(i);
            if (!fleet.nodes().containsKey(node)) {
                problems.add(new Problem(file, "/spec/selector/nodeNames/" + i, "no node named " + node
                        + " in nodes/"));
            }
        }
        for (String node : spec.retry().keySet()) {
            if (!fleet.nodes().containsKey(node)) {
                problems.add(new Problem(file, "/spec/retry/" + node, "no node named " + node + " in nodes/"));
            }
        }
        StrategyRules.check(file, "/spec/strategy", spec.strategy(), problems);
        if (spec.window() != null) {
            checkWindow(file, "/spec/window", spec.window(), problems);
            spec.window().datacenters().forEach((dc, w) -> checkWindow(file, "/spec/window/datacenters/" + dc,
                    spec.window().in(dc), problems));
        }
        StrategyRules.checkWindowFits(file, spec, problems);
        for (int i = 0; i < spec.blackouts().size(); i++) {
            StrategyRules.checkBlackout(file, "/spec/blackouts/" + i, spec.blackouts().get(i), problems);
        }
    }

    private static void checkWindow(String file, String at, Upgrade.Window window, List<Problem> problems) {
        try {
            ZoneId.of(window.zone());
        } catch (DateTimeException e) {
            problems.add(new Problem(file, at + "/timeZone", "'" + window.zone()
                    + "' is not a time zone such as UTC or Europe/Berlin"));
        }
        Duration d = Durations.parse(window.duration());
        if (d.isZero() || d.compareTo(Duration.ofDays(7)) > 0) {
            problems.add(new Problem(file, at + "/duration", d.isZero()
                    ? "is 0, so the window never opens; give it a length such as 4h" : "must be at most 7d"));
        }
    }
}
