package io.gitfleet.reconciler.pass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.catalog.CatalogFetchSettings;
import io.gitfleet.reconciler.catalog.CatalogSources;
import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.FleetRepos;
import io.gitfleet.reconciler.git.GitAuth;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.reconciler.store.StatusWriter;
import io.gitfleet.schema.Problem;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values that once stopped planning for the whole fleet with {@code Waiting (InternalError)} and no file named:
 * a duration past every limit, a number past its field's range, a 60 MB node file, a catalog whose versions do
 * not read under its scheme. Each refuses only its own document, with file and field; the rest rolls out.
 */
class BadValuesIT {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir
    Path tmp;

    @Test
    void eachBadValueRefusesOnlyItsDocument() throws Exception {
        FleetRepos repos = FleetRepos.create(tmp);
        repos.mergeChange("huge-window", "upgrades/huge-window.yaml", upgrade("huge-window", "catalogs/os.yaml",
                "stable", "window: {days: [sat], start: \"02:00\", duration: \"99999999999999999999h\", timeZone: UTC}"));
        repos.mergeChange("huge-number", "upgrades/huge-number.yaml", upgrade("huge-number", "catalogs/os.yaml",
                "stable", "strategy: {maxUnavailable: 99999999999999999999}"));
        repos.mergeChange("fcos-catalog", "catalogs/fcos.yaml", """
                apiVersion: gitfleet.io/v1
                kind: Catalog
                metadata: {name: fcos}
                spec:
                  component: coreos
                  images:
                    - {version: 40.20240616.3.0, url: "https://images.test/fcos", sha256: %s, size: 10}
                """.formatted("a".repeat(64)));
        repos.mergeChange("fcos", "upgrades/fcos.yaml", upgrade("fcos", "catalogs/fcos.yaml", "40.20240616.3.0",
                "component: coreos"));
        repos.mergeChange("big-node", "nodes/big.yaml", "# padding\n".repeat(6 * 1024 * 1024));
        Reports.seed(repos.bare, T0);

        PassResult result = pass(repos.bare.toString(), tmp.resolve("data"), T0.plusSeconds(1));
        assertTrue(result.completed(), result.failures().toString());
        assertEquals(List.of(), result.failures(), "no pass failure: the bad documents are problems, not errors");
        assertEquals(Set.of("worker-1"), result.instructions().keySet(), "the example's canary still starts");

        List<String> problems = result.fleet().problems().stream().map(Problem::toString).toList();
        assertTrue(problems.contains("nodes/big.yaml: /: the file is 62914560 bytes; the limit is 1048576"),
                problems.toString());
        assertEquals(Set.of("cp-1", "cp-2", "cp-3", "worker-1", "worker-2", "worker-3", "worker-4", "worker-5",
                "worker-6"), result.fleet().nodes().keySet());

        rejected(result, "huge-window", "InvalidManifest", "upgrades/huge-window.yaml: /spec/window/duration: "
                + "'99999999999999999999h' is too large a duration");
        rejected(result, "huge-number", "InvalidManifest", "upgrades/huge-number.yaml: /spec/strategy/maxUnavailable: "
                + "99999999999999999999 is too large for this field (line 9)");
        rejected(result, "fcos", "InvalidCatalog", "catalogs/fcos.yaml: /spec/images/0/version: '40.20240616.3.0' "
                + "is not a version under versionScheme semver (SemVer 2.0, such as v1.35.1 or 1.36.0-rc.1); "
                + "set spec.versionScheme: dotted to read it");
        assertEquals(UpgradePhase.RollingOut, result.plan().upgrades().get("os-1-35").status().phase());
    }

    private static void rejected(PassResult result, String upgrade, String reason, String message) {
        UpgradeStatus.State s = result.plan().upgrades().get(upgrade).status();
        assertEquals(UpgradePhase.Rejected, s.phase(), upgrade + ": " + s.message());
        assertEquals(reason, s.reason());
        assertEquals(message, s.message());
    }

    private static String upgrade(String name, String catalog, String version, String extra) {
        return """
                apiVersion: gitfleet.io/v1
                kind: Upgrade
                metadata: {name: %s}
                spec:
                  version: "%s"
                  catalog: {ref: %s}
                  selector: {nodeNames: [cp-3]}
                  paused: false
                  %s
                """.formatted(name, version, catalog, extra);
    }

    private PassResult pass(String url, Path data, Instant now) throws Exception {
        try (FleetMirror mirror = FleetMirror.open(data.resolve("mirror"), url, GitAuth.NONE)) {
            StatusWriter writer = new StatusWriter(new StatusStore(mirror.repository(), StatusStore.DEFAULT_BRANCH,
                    mirror), Duration.ZERO, Clock.systemUTC());
            return new ReconcilePass(mirror, writer, new RecordedObservations(), InstructionSink.NONE,
                    CatalogSources.inDataDir(data, CatalogFetchSettings.DEFAULTS),
                    new PassOptions("main", null, true, data.resolve("keys"))).run(now);
        }
    }
}
