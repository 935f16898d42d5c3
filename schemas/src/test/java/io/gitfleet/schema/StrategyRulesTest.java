package io.gitfleet.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Bad rollout settings are named with file and field, in one sentence each. */
class StrategyRulesTest {
    private static List<String> problems(String spec) {
        Map<String, byte[]> files = new TreeMap<>(ExampleFleet.files());
        files.put("upgrades/roll.yaml", ("""
                apiVersion: gitfleet.io/v1
                kind: Upgrade
                metadata: {name: roll}
                spec:
                  version: v1.35.1
                  catalog: {ref: catalogs/os.yaml}
                """ + spec).getBytes(StandardCharsets.UTF_8));
        return FleetLoader.load(files).problems().stream().map(Problem::toString)
                .filter(p -> p.startsWith("upgrades/roll.yaml")).toList();
    }

    @Test
    void aGoodRolloutIsClean() {
        assertEquals(List.of(), problems("""
                  strategy:
                    maxUnavailable: "25%"
                    batchSize: "10%"
                    failureBudget: "5%"
                    canary: {nodes: "10%", selector: {matchLabels: {zone: a}}}
                    staging: anytime
                    maxStaging: 4
                    expectedDisruption: 20m
                    settle: 5m
                    deadline: 14d
                    phases: [{nodes: 1}, {percent: 10, soak: 24h, promote: manual}, {percent: 100}]
                    gates:
                      - {command: [/usr/local/bin/check-fleet, --quick], timeout: 1m}
                      - prometheus: {url: "http://prometheus:9090", query: "ALERTS{severity=\\"page\\"}"}
                  window:
                    start: "02:00"
                    duration: 4h
                    timeZone: Europe/Berlin
                    datacenters: {dc2: {timeZone: America/New_York}}
                  blackouts:
                    - {from: "2026-12-20T00:00:00+01:00", until: "2027-01-04T00:00:00+01:00", reason: year-end freeze}
                """));
    }

    @Test
    void aPercentageOver100() {
        assertEquals(List.of("upgrades/roll.yaml: /spec/strategy/maxUnavailable: 150% is over 100%"),
                problems("  strategy: {maxUnavailable: \"150%\"}\n"));
        assertEquals(List.of("upgrades/roll.yaml: /spec/strategy/phases/0/percent: 120% is over 100%",
                "upgrades/roll.yaml: /spec/strategy/phases/0: the phases add up to 120%, not every selected node; "
                        + "end with {percent: 100}"),
                problems("  strategy: {phases: [{percent: 120}]}\n"));
        assertEquals(List.of("upgrades/roll.yaml: /spec/strategy/failureBudget: 'ten' must be a number of nodes or "
                + "a percentage of the selected nodes such as \"25%\" (line 7)"),
                problems("  strategy: {failureBudget: ten}\n"));
    }

    @Test
    void phasesThatDoNotAddUp() {
        assertEquals(List.of("upgrades/roll.yaml: /spec/strategy/phases/1: the phases add up to 50%, not every "
                + "selected node; end with {percent: 100}"),
                problems("  strategy: {phases: [{nodes: 1}, {percent: 50}]}\n"));
        assertEquals(List.of("upgrades/roll.yaml: /spec/strategy/phases/1/percent: must be more than the previous "
                + "phase's 50%: phases count the upgraded nodes cumulatively"),
                problems("  strategy: {phases: [{percent: 50}, {percent: 20}, {percent: 100}]}\n"));
        assertEquals(List.of("upgrades/roll.yaml: /spec/strategy/phases/0: give exactly one of nodes or percent"),
                problems("  strategy: {phases: [{nodes: 1, percent: 5}, {percent: 100}]}\n"));
    }

    @Test
    void aSoakLongerThanTheDeadline() {
        assertEquals(List.of("upgrades/roll.yaml: /spec/strategy/phases/1/soak: the phases soak 8d by here, not "
                + "less than the deadline of 7d (/spec/strategy/deadline)"),
                problems("  strategy: {deadline: 7d, phases: [{nodes: 1, soak: 1d}, {percent: 10, soak: 7d}, "
                        + "{percent: 100}]}\n"));
    }

    @Test
    void aWindowThatNeverOpens() {
        assertEquals(List.of("upgrades/roll.yaml: /spec/window/duration: is 0, so the window never opens; give it a "
                + "length such as 4h"), problems("  window: {start: \"02:00\", duration: 0m}\n"));
        assertEquals(List.of("upgrades/roll.yaml: /spec/window/datacenters/dc2/duration: the window (30m) is shorter "
                + "than a node's expected disruption (/spec/strategy/expectedDisruption: 45m), so no node would ever "
                + "be switched in it"), problems("""
                  strategy: {expectedDisruption: 45m}
                  window: {start: "02:00", duration: 4h, datacenters: {dc2: {duration: 30m}}}
                """));
        assertEquals(List.of("upgrades/roll.yaml: /spec/blackouts/0/until: must be after from "
                + "(2026-12-20T00:00:00+01:00)"), problems("""
                  blackouts: [{from: "2026-12-20T00:00:00+01:00", until: "2026-12-19T00:00:00+01:00"}]
                """));
        assertEquals(List.of("upgrades/roll.yaml: /spec/blackouts/0/from: 'next week' must be a date-time with an "
                + "offset such as 2026-12-20T00:00:00+01:00"), problems("""
                  blackouts: [{from: next week, until: "2026-12-19T00:00:00+01:00"}]
                """));
    }
}
