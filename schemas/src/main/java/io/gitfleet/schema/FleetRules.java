package io.gitfleet.schema;

import io.gitfleet.version.CatalogRules;
import io.gitfleet.version.Rejection;
import io.gitfleet.version.TargetResolution;
import io.gitfleet.version.VersionScheme;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

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
            duration(FleetLoader.FLEET_FILE, "/spec/nodeTimeout", f.spec().nodeTimeout(), problems);
            duration(FleetLoader.FLEET_FILE, "/spec/silentAfter", f.spec().silentAfter(), problems);
        });
        Function<String, VersionScheme> schemeOf = CatalogRules.schemeOf(schemes(fleet, problems));
        new TreeMap<>(fleet.catalogs()).forEach((path, catalog) ->
                problems.addAll(CatalogRules.check(path, "/spec", catalog.spec(), schemeOf)));
        fleet.fleet().ifPresent(f -> {
            if (f.spec().defaults() != null && f.spec().defaults().strategy() != null) {
                StrategyRules.check(FleetLoader.FLEET_FILE, "/spec/defaults/strategy", f.spec().defaults().strategy(),
                        problems);
            }
        });
        for (Upgrade upgrade : fleet.upgrades().values()) {
            checkUpgrade(fleet, paths, upgrade, problems, schemeOf);
        }
        return problems;
    }

    /** Pointers whose problem makes the whole document unusable: the planner could not act on it safely. */
    static boolean refuses(Problem p) {
        return p.pointer().startsWith("/spec/window/") || p.pointer().equals("/spec/nodeTimeout")
                || p.pointer().equals("/spec/silentAfter");
    }

    /** A duration that the schema let through but that does not fit (far too large), as a problem. */
    private static Duration duration(String file, String pointer, String text, List<Problem> problems) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(file, pointer, e.getMessage()));
            return null;
        }
    }

    /**
     * The scheme each component's versions are read in, from the repo's catalogs (in path order) and then the
     * inline ones; a second catalog of a component that says another scheme is a problem: one component has one
     * order.
     */
    static Map<String, VersionScheme> schemes(LoadedFleet fleet, List<Problem> problems) {
        Map<String, VersionScheme> schemes = new HashMap<>();
        Map<String, String> firstFile = new HashMap<>();
        Map<String, Catalog.Spec> specs = new TreeMap<>();
        fleet.catalogs().forEach((path, c) -> specs.put("0" + path, c.spec()));
        fleet.upgrades().values().forEach(u -> {
            if (u.spec().catalog().inline() != null) {
                specs.put("1upgrades/" + u.name() + ".yaml", u.spec().catalog().inline());
            }
        });
        specs.forEach((key, spec) -> {
            String file = key.substring(1);
            VersionScheme scheme = VersionScheme.of(spec);
            VersionScheme first = schemes.putIfAbsent(spec.component(), scheme);
            firstFile.putIfAbsent(spec.component(), file);
            if (first != null && !first.wire().equals(scheme.wire())) {
                problems.add(new Problem(file, key.startsWith("0") ? "/spec/versionScheme"
                        : "/spec/catalog/inline/versionScheme", "is " + scheme.wire() + ", but "
                        + firstFile.get(spec.component()) + " orders " + spec.component() + " versions as "
                        + first.wire() + "; one component has one version scheme"));
            }
        });
        return schemes;
    }

    private static void checkUpgrade(LoadedFleet fleet, Collection<String> paths, Upgrade upgrade,
                                     List<Problem> problems, Function<String, VersionScheme> schemeOf) {
        String file = "upgrades/" + upgrade.name() + ".yaml";
        Upgrade.Spec spec = upgrade.spec();
        Upgrade.CatalogSource source = spec.catalog();
        if (source.ref() != null && !fleet.catalogs().containsKey(source.ref())) {
            problems.add(new Problem(file, "/spec/catalog/ref", paths.contains(source.ref())
                    ? source.ref() + " is not valid (see its own problems)" : source.ref() + " does not exist"));
        }
        if (source.inline() != null) {
            problems.addAll(CatalogRules.check(file, "/spec/catalog/inline", source.inline(), schemeOf));
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
        Duration d = duration(file, at + "/duration", window.duration(), problems);
        if (d != null && (d.isZero() || d.compareTo(Duration.ofDays(7)) > 0)) {
            problems.add(new Problem(file, at + "/duration", d.isZero()
                    ? "is 0, so the window never opens; give it a length such as 4h" : "must be at most 7d"));
        }
    }
}
