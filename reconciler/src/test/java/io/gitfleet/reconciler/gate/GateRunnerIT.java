package io.gitfleet.reconciler.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.plan.GateResults;
import io.gitfleet.schema.FleetLoader;
import io.gitfleet.schema.LoadedFleet;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The runner takes the gates from the upgrade as written and keeps the latest results for the next pass. */
class GateRunnerIT {
    private static LoadedFleet fleet(String gates) {
        Map<String, byte[]> files = new TreeMap<>();
        files.put("upgrades/os.yaml", ("""
                apiVersion: gitfleet.io/v1
                kind: Upgrade
                metadata: {name: os}
                spec:
                  version: v1.0.0
                  catalog: {inline: {images: [{version: v1.0.0, url: "http://x/i", sha256: "%s", size: 1}]}}
                  strategy:
                    gates:
                """.formatted("a".repeat(64)) + gates).getBytes(StandardCharsets.UTF_8));
        return FleetLoader.load(files);
    }

    @Test
    void runsTheUpgradesGatesAndStampsThemWithThePassTime() throws Exception {
        GateRunner runner = new GateRunner();
        Instant pass = Instant.parse("2026-11-24T10:00:00Z");
        LoadedFleet f = fleet("      - {command: [\"true\"]}\n      - {command: [sh, -c, \"echo no; exit 3\"]}\n");
        assertTrue(f.upgrades().containsKey("os"), f.problems().toString());
        runner.request(Set.of("os", "gone"), f, pass).get(30, TimeUnit.SECONDS);
        GateResults r = runner.latest().get("os");
        assertEquals(pass, r.at());
        assertEquals(2, r.results().size());
        assertTrue(r.results().get(0).passed());
        assertFalse(r.results().get(1).passed());
        assertEquals("exited with 3: no", r.firstFailure().reason());
        assertEquals(Set.of("os"), runner.latest().keySet(), "an upgrade that is gone runs nothing");
    }

    /** Every landed run asks for a pass, which asks for the gates again: a failing gate is not run back to back. */
    @Test
    void aGateThatDidNotPassRunsAgainOnlyAfterAWhile() throws Exception {
        java.util.concurrent.atomic.AtomicInteger landed = new java.util.concurrent.atomic.AtomicInteger();
        GateRunner runner = new GateRunner().onResult(landed::incrementAndGet);
        Instant t = Instant.parse("2026-11-24T10:00:00Z");
        LoadedFleet f = fleet("      - {command: [sh, -c, \"exit 1\"]}\n");
        runner.request(Set.of("os"), f, t).get(30, TimeUnit.SECONDS);
        runner.request(Set.of("os"), f, t.plusSeconds(29)).get(30, TimeUnit.SECONDS);
        assertEquals(t, runner.latest().get("os").at(), "not run again within " + GateRunner.AGAIN_AFTER_FAILURE);
        assertEquals(1, landed.get());
        runner.request(Set.of("os"), f, t.plus(GateRunner.AGAIN_AFTER_FAILURE)).get(30, TimeUnit.SECONDS);
        assertEquals(t.plus(GateRunner.AGAIN_AFTER_FAILURE), runner.latest().get("os").at());
        assertEquals(2, landed.get(), "each landed run says so");
    }
}
