package io.gitfleet.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FleetLoaderTest {

    @Test
    void exampleFleetIsClean() {
        LoadedFleet fleet = FleetLoader.load(ExampleFleet.files());
        assertEquals(List.of(), fleet.problems());
        assertTrue(fleet.fleet().isPresent());
        assertEquals(9, fleet.nodes().size());
        assertEquals(3, fleet.nodes().values().stream().filter(n -> n.role() == Role.CONTROLLER).count());
        assertEquals(2, fleet.catalogs().size());
        assertTrue(fleet.upgrades().containsKey("os-1-35"));
        Upgrade os = fleet.upgrades().get("os-1-35");
        assertEquals(Strategy.Order.WORKERS_FIRST, os.spec().strategy().order());
        assertEquals(Strategy.Promote.MANUAL, os.spec().strategy().canary().promote());
        assertEquals("v1.35.1", fleet.localCatalog(os).orElseThrow().channels().get("stable"));
    }

    @Test
    void oneBrokenUpgradeLeavesTheRestLoaded() {
        Map<String, byte[]> files = new TreeMap<>(ExampleFleet.files());
        files.put("upgrades/os-1-35.yaml", text("""
                apiVersion: gitfleet.io/v1
                kind: Upgrade
                metadata: {name: os-1-35}
                spec:
                  version: 1.10
                  catalog: {ref: catalogs/os.yaml}
                """));
        LoadedFleet fleet = FleetLoader.load(files);
        assertEquals(9, fleet.nodes().size());
        assertTrue(fleet.upgrades().containsKey("kubernetes-1-35"));
        assertFalse(fleet.upgrades().containsKey("os-1-35"));
        assertTrue(fleet.brokenUpgrades().containsKey("os-1-35"));
        assertEquals(List.of("upgrades/os-1-35.yaml: /spec/version: must be a string, but YAML reads 1.10 as "
                + "the number 1.1; quote it: \"1.10\" (line 5)"), strings(fleet.problems()));
    }

    @Test
    void crossFileRulesNameFileAndField() {
        Map<String, byte[]> files = new TreeMap<>(ExampleFleet.files());
        files.put("upgrades/bad-refs.yaml", text("""
                apiVersion: gitfleet.io/v1
                kind: Upgrade
                metadata: {name: bad-refs}
                spec:
                  version: v1.34.3
                  catalog: {ref: catalogs/missing.yaml}
                  selector: {nodeNames: [worker-1, ghost]}
                """));
        files.put("upgrades/blocked.yaml", text("""
                apiVersion: gitfleet.io/v1
                kind: Upgrade
                metadata: {name: blocked}
                spec:
                  version: v1.34.3
                  catalog: {ref: catalogs/os.yaml}
                  retry: {nobody: "1"}
                  window: {start: "02:00", duration: 4h, timeZone: Mars/Olympus}
                """));
        files.put("upgrades/unknown.yaml", text("""
                apiVersion: gitfleet.io/v1
                kind: Upgrade
                metadata: {name: unknown}
                spec:
                  version: lts
                  catalog: {ref: catalogs/os.yaml}
                """));
        List<String> problems = strings(FleetLoader.load(files).problems());
        assertEquals(List.of(
                "upgrades/bad-refs.yaml: /spec/catalog/ref: catalogs/missing.yaml does not exist",
                "upgrades/bad-refs.yaml: /spec/selector/nodeNames/1: no node named ghost in nodes/",
                "upgrades/blocked.yaml: /spec/version: v1.34.3 is blocked by the catalog",
                "upgrades/blocked.yaml: /spec/retry/nobody: no node named nobody in nodes/",
                "upgrades/blocked.yaml: /spec/window/timeZone: 'Mars/Olympus' is not a time zone such as UTC or "
                        + "Europe/Berlin",
                "upgrades/unknown.yaml: /spec/version: 'lts' is neither a version nor a channel of the catalog "
                        + "(channels: edge, stable)"), problems);
    }

    @Test
    void missingOrBrokenFleetFileLeavesNoFleetPolicy() {
        Map<String, byte[]> files = new TreeMap<>(ExampleFleet.files());
        files.remove("fleet.yaml");
        LoadedFleet missing = FleetLoader.load(files);
        assertTrue(missing.fleet().isEmpty());
        assertEquals(List.of("fleet.yaml: /: is missing; every fleet repo needs one (kind: Fleet)"),
                strings(missing.problems()));

        files.put("fleet.yaml", text("apiVersion: gitfleet.io/v1\nkind: Fleet\nmetadata: {name: fleet}\n"
                + "spec: {nodeTimeout: soon}\n"));
        LoadedFleet broken = FleetLoader.load(files);
        assertTrue(broken.fleet().isEmpty());
        assertEquals(List.of("fleet.yaml: /spec/nodeTimeout: 'soon' must be a duration such as 90s, 15m, 4h or "
                + "1h30m (line 4)"), strings(broken.problems()));
    }

    @Test
    void catalogRulesAndIgnoredFiles() {
        Map<String, byte[]> files = new TreeMap<>(ExampleFleet.files());
        files.put("README.md", text("# not a manifest"));
        files.put("nodes/extra.yml", text("kind: Node"));
        files.put("catalogs/dupes.yaml", text("""
                apiVersion: gitfleet.io/v1
                kind: Catalog
                metadata: {name: dupes}
                spec:
                  channels: {stable: v9.9.9}
                  images:
                    - {version: v1.0.0, url: "https://x/a", sha256: %s, size: 10}
                    - {version: 1.0.0, url: "https://x/b", sha256: %s, size: 10}
                """.formatted("a".repeat(64), "b".repeat(64))));
        assertEquals(List.of(
                "nodes/extra.yml: /: is not read: name it extra.yaml",
                "catalogs/dupes.yaml: /spec/images/1/version: 1.0.0 appears twice in the catalog",
                "catalogs/dupes.yaml: /spec/channels/stable: v9.9.9 is not one of the catalog's images"),
                strings(FleetLoader.load(files).problems()));
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<String> strings(List<Problem> problems) {
        return problems.stream().map(Problem::toString).toList();
    }
}
