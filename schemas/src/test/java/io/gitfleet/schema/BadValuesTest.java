package io.gitfleet.schema;

import static io.gitfleet.schema.FleetLoaderTest.strings;
import static io.gitfleet.schema.FleetLoaderTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Values the schema lets through but nothing can hold: each is a problem of its own file and field. */
class BadValuesTest {

    @Test
    void aDurationPastEveryLimitRefusesOnlyItsUpgrade() {
        Map<String, byte[]> files = new TreeMap<>(ExampleFleet.files());
        files.put("upgrades/late.yaml", text("""
                apiVersion: gitfleet.io/v1
                kind: Upgrade
                metadata: {name: late}
                spec:
                  version: v1.35.1
                  catalog: {ref: catalogs/os.yaml}
                  window: {start: "02:00", duration: "99999999999999999999h", timeZone: UTC}
                """));
        LoadedFleet fleet = FleetLoader.load(files);
        assertEquals(List.of("upgrades/late.yaml: /spec/window/duration: '99999999999999999999h' is too large a "
                + "duration"), strings(fleet.problems()));
        assertFalse(fleet.upgrades().containsKey("late"), "the planner must not act on it");
        assertEquals(strings(fleet.problems()), strings(fleet.brokenUpgrades().get("late")));
        assertTrue(fleet.upgrades().containsKey("os-1-35"));
    }

    @Test
    void aWindowTooLongToSearchIsRefusedToo() {
        Map<String, byte[]> files = new TreeMap<>(ExampleFleet.files());
        files.put("upgrades/long.yaml", text("""
                apiVersion: gitfleet.io/v1
                kind: Upgrade
                metadata: {name: long}
                spec:
                  version: v1.35.1
                  catalog: {ref: catalogs/os.yaml}
                  window: {start: "02:00", duration: 999999999d, timeZone: UTC}
                """));
        LoadedFleet fleet = FleetLoader.load(files);
        assertTrue(fleet.brokenUpgrades().containsKey("long"));
        assertEquals(List.of("upgrades/long.yaml: /spec/window/duration: must be at most 7d"),
                strings(fleet.problems()));
    }

    @Test
    void aFleetTimeoutPastEveryLimitLeavesNoFleetPolicy() {
        Map<String, byte[]> files = new TreeMap<>(ExampleFleet.files());
        files.put("fleet.yaml", text("apiVersion: gitfleet.io/v1\nkind: Fleet\nmetadata: {name: fleet}\n"
                + "spec: {nodeTimeout: 99999999999999999999h, silentAfter: 9999999999999999999d}\n"));
        LoadedFleet fleet = FleetLoader.load(files);
        assertTrue(fleet.fleet().isEmpty(), "nothing new starts until it is fixed, as for any invalid fleet.yaml");
        assertEquals(List.of("fleet.yaml: /spec/nodeTimeout: '99999999999999999999h' is too large a duration",
                "fleet.yaml: /spec/silentAfter: '9999999999999999999d' is too large a duration"),
                strings(fleet.problems()));
        assertEquals(9, fleet.nodes().size());
    }

    @Test
    void numbersPastTheirFieldsRangeNameTheField() {
        Map<String, byte[]> files = new TreeMap<>(ExampleFleet.files());
        files.put("catalogs/big.yaml", text("""
                apiVersion: gitfleet.io/v1
                kind: Catalog
                metadata: {name: big}
                spec:
                  images:
                    - {version: v1.0.0, url: "https://x/a", sha256: %s, size: 99999999999999999999}
                """.formatted("a".repeat(64))));
        files.put("fleet.yaml", text("apiVersion: gitfleet.io/v1\nkind: Fleet\nmetadata: {name: fleet}\n"
                + "spec:\n  disruptionBudget: {maxUnavailable: 3000000000}\n"));
        LoadedFleet fleet = FleetLoader.load(files);
        assertEquals(List.of("catalogs/big.yaml: /spec/images/0/size: 99999999999999999999 is too large for this "
                        + "field (line 6)",
                "fleet.yaml: /spec/disruptionBudget/maxUnavailable: 3000000000 is too large for this field (line 5)"),
                strings(fleet.problems()));
        assertFalse(fleet.catalogs().containsKey("catalogs/big.yaml"));
    }

    @Test
    void anOversizeFileIsRefusedWithoutReadingIt() {
        Map<String, byte[]> files = new TreeMap<>(ExampleFleet.files());
        LoadedFleet fleet = FleetLoader.load(files, Map.of("nodes/huge.yaml", 62_914_560L,
                "upgrades/huge.yaml", 2_000_000L));
        assertEquals(List.of("nodes/huge.yaml: /: the file is 62914560 bytes; the limit is 1048576",
                "upgrades/huge.yaml: /: the file is 2000000 bytes; the limit is 1048576"), strings(fleet.problems()));
        assertEquals(9, fleet.nodes().size());
        assertTrue(fleet.brokenUpgrades().containsKey("huge"), "its status says Rejected with the sentence");
    }

    @Test
    void durationsSayWhenTheyAreTooLarge() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Durations.parse("99999999999999999999h"));
        assertEquals("'99999999999999999999h' is too large a duration", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("9223372036854775807d"));
    }
}
