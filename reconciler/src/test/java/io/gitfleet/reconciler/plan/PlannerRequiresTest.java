package io.gitfleet.reconciler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** "Upgrade os first": a node is Blocked by what it reports, and only as long as it reports it. */
class PlannerRequiresTest {
    private static final Strategy ONE = new Strategy(Strategy.Order.WORKERS_FIRST, 1, null, null, true, 0);
    private static final Catalog.Spec K8S = new Catalog.Spec("kubernetes", Map.of(), List.of(new Catalog.Image(
            "v1.35.0", "https://images.test/k8s", "d".repeat(64), 1, Map.of("os", ">=v1.35.0"), Map.of())),
            List.of(), null);
    private static final String BLOCKED = "os v1.34.1 does not support kubernetes v1.35.0; upgrade os first";

    private Scenario s;

    @BeforeEach
    void fleet() {
        s = new Scenario();
        s.fleet.budget(null);
        s.fleet.node("w-1", Role.WORKER).node("w-2", Role.WORKER).node("w-3", Role.WORKER);
        s.upgrade("k8s", new Upgrade.Spec("kubernetes", "v1.35.0", new Upgrade.CatalogSource(null, K8S, null), null,
                ONE, null, null, null, null, null, null, null, null));
    }

    @Test
    void theBlockedSentenceGoesAsSoonAsTheOsMovedEvenWhileTheNodeStillWaits() {
        s.runsBoth("w-1", "v1.34.1", "v1.34.2").runsBoth("w-2", "v1.35.1", "v1.34.2")
                .runsBoth("w-3", "v1.35.1", "v1.34.2").pass().expectInstructed("w-2");
        assertEquals(NodePhase.Blocked, s.row("k8s", "w-1").phase());
        assertEquals(BLOCKED, s.row("k8s", "w-1").message());

        s.runsBoth("w-1", "v1.35.1", "v1.34.2").pass().expectInstructed("w-2");
        assertEquals(NodePhase.Pending, s.row("k8s", "w-1").phase(), "w-2 holds the one disruption slot");
        assertNull(s.row("k8s", "w-1").message(), "judged again from the report: nothing blocks it any more");

        s.runsBoth("w-1", "v1.34.1", "v1.34.2").pass();
        assertEquals(BLOCKED, s.row("k8s", "w-1").message(), "an OS that went back blocks it again");
    }

    @Test
    void anOsVersionTheNodeCannotReadBlocksWithTheNodesReason() {
        s.runsBoth("w-2", "v1.35.1", "v1.34.2").runsBoth("w-3", "v1.35.1", "v1.34.2");
        s.observed.put("w-1", new Observation(new Report.Status("test", Map.of("kubernetes", "v1.34.2"),
                null, new Report.Health(true, null), null, Map.of(), null, null,
                Map.of("os", "/etc/os-release has no IMAGE_VERSION")), s.now));
        s.pass();
        assertEquals(NodePhase.Blocked, s.row("k8s", "w-1").phase());
        assertEquals("kubernetes v1.35.0 requires os >=v1.35.0, but the node does not report os (its os version is "
                + "unknown: /etc/os-release has no IMAGE_VERSION)", s.row("k8s", "w-1").message());
    }
}
