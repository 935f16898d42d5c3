package io.gitfleet.reconciler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Version schemes and content identity as the planner applies them, one rollout at a time. */
class PlannerVersionTest {
    private static final Strategy ALL = new Strategy(Strategy.Order.WORKERS_FIRST, 0, null, null, true, 0);

    private Scenario s;

    @BeforeEach
    void fleet() {
        s = new Scenario();
        s.fleet.budget(null);
        s.fleet.node("w-1", Role.WORKER).node("w-2", Role.WORKER).node("w-3", Role.WORKER);
    }

    @Test
    void aRespunImageUnderTheSameVersionIsAnUpgradeNotSkipped() {
        String current = SimFleet.image("v1.35.1").sha256();
        String older = "b".repeat(64);
        s.runs("w-1", "v1.35.1", current).runs("w-2", "v1.35.1", older).report("w-3", "v1.35.1");
        s.upgrade("os", SimFleet.spec("stable", ALL)).pass().expectInstructed("w-2");
        assertEquals(NodePhase.Skipped, s.row("os", "w-1").phase(), "same version, same image");
        assertEquals(NodePhase.Skipped, s.row("os", "w-3").phase(), "no digest reported: the version decides");
        Instruction i = s.last.instructions().get("w-2");
        assertEquals(current, i.spec().image().sha256());
        assertEquals("v1.35.1", i.spec().version());
        assertNull(i.spec().versionScheme(), "semver instructions stay as they were");
        s.completes("w-2").expectPhase("os", UpgradePhase.Succeeded);
    }

    @Test
    void aRespinInTheCatalogMakesTheNextUpgradeInstallIt() {
        s.runs("w-1", "v1.35.1", SimFleet.image("v1.35.1").sha256());
        s.upgrade("os", SimFleet.spec("stable", ALL)).pass().expectInstructed();
        assertEquals(NodePhase.Skipped, s.row("os", "w-1").phase());
        s.fleet.catalog = respin(s.fleet.catalog, "v1.35.1", "c".repeat(64));
        s.upgrade("os-respin", SimFleet.spec("v1.35.1", ALL)).pass().expectInstructed("w-1");
        assertEquals("c".repeat(64), s.last.instructions().get("w-1").spec().image().sha256());
    }

    @Test
    void dottedVersionsOrderNumericallyAndTravelWithTheirScheme() {
        s.fleet.catalog = catalog("dotted", null, "39.20240501.3.0", "40.20240616.3.0", "40.20240701.1.0");
        s.report("w-1", "40.20240616.3.0").report("w-2", "40.20240701.1").report("w-3", "39.20240501.3.0");
        s.upgrade("os", SimFleet.spec("40.20240701.1.0", ALL)).pass().expectInstructed("w-1", "w-3");
        assertEquals(NodePhase.Skipped, s.row("os", "w-2").phase(), "40.20240701.1 is 40.20240701.1.0");
        assertEquals("dotted", s.last.instructions().get("w-1").spec().versionScheme());
        assertEquals("40.20240701.1.0", s.status.get("os").status().resolvedVersion());
    }

    @Test
    void dottedMinorStepCountsTheSecondField() {
        s.fleet.catalog = catalog("dotted", 1, "12.5", "12.6", "12.7", "12.8");
        s.report("w-1", "12.5").report("w-2", "12.7").report("w-3", "12.7.3");
        s.upgrade("os", SimFleet.spec("12.8", ALL)).pass().expectInstructed("w-2", "w-3");
        assertEquals(NodePhase.Blocked, s.row("os", "w-1").phase());
        assertEquals("12.5 → 12.8 skips 2 minors; upgrade to 12.6.x first", s.row("os", "w-1").message());
    }

    @Test
    void listOrderAndItsStepRule() {
        s.fleet.catalog = catalog("list", 1, "bookworm", "trixie", "forky");
        s.report("w-1", "bookworm").report("w-2", "trixie").report("w-3", "sid");
        s.upgrade("os", SimFleet.spec("forky", ALL)).pass().expectInstructed("w-2", "w-3");
        assertEquals("bookworm → forky skips a version of the catalog's list; upgrade to trixie first",
                s.row("os", "w-1").message());
    }

    @Test
    void aDowngradeUnderDebianOrderIsRefused() {
        s.fleet.catalog = catalog("debian", null, "2.36.1-8", "2.36.1-8+deb12u1");
        s.report("w-1", "2.36.1-8").report("w-2", "1:2.0").report("w-3", "2.36.1-8+deb12u1");
        s.upgrade("os", SimFleet.spec("2.36.1-8+deb12u1", ALL)).pass().expectPhase("os", UpgradePhase.Rejected);
        assertEquals("Downgrade", s.status.get("os").status().reason());
        assertEquals("w-2: the node runs os 1:2.0; 2.36.1-8+deb12u1 would be a downgrade (set allowDowngrade: true "
                + "to allow it)", s.status.get("os").status().message());
    }

    @Test
    void aCatalogWhoseVersionsDoNotReadIsRejectedAndTheRestGoesOn() {
        s.fleet.catalog = catalog(null, null, "v1.35.1", "40.20240616.3.0");
        s.report("w-1", "v1.34.1").report("w-2", "v1.34.1").report("w-3", "v1.34.1");
        Catalog.Spec good = catalog("dotted", null, "1.0", "2.0");
        s.upgrade("a-broken", SimFleet.spec("v1.35.1", ALL));
        s.upgrade("b-fine", new Upgrade.Spec("os", "2.0", new Upgrade.CatalogSource(null, good, null), null, ALL, null,
                null, null, null, null, null, null, null)).pass();
        UpgradeStatus.State broken = s.status.get("a-broken").status();
        assertEquals(UpgradePhase.Rejected, broken.phase());
        assertEquals("InvalidCatalog", broken.reason());
        assertEquals("catalogs/os.yaml: /spec/images/1/version: '40.20240616.3.0' is not a version under versionScheme "
                + "semver (SemVer 2.0, such as v1.35.1 or 1.36.0-rc.1); set spec.versionScheme: dotted to read it",
                broken.message());
        s.expectPhase("b-fine", UpgradePhase.RollingOut).expectInstructed("w-1", "w-2", "w-3");
    }

    @Test
    void requiresRangesAreReadInTheSchemeOfTheComponentTheyName() {
        s.fleet.catalog = catalog("dotted", null, "39.20240501.3.0", "40.20240616.3.0");
        Catalog.Spec k8s = new Catalog.Spec("kubernetes", Map.of(), List.of(new Catalog.Image("v1.35.0",
                "https://images.test/k8s", "d".repeat(64), 1, Map.of("os", ">=40"), Map.of())), List.of(), null);
        s.runsBoth("w-1", "39.20240501.3.0", "v1.34.0").runsBoth("w-2", "40.20240616.3.0", "v1.34.0")
                .runsBoth("w-3", "40.20240616.3.0", "v1.34.0");
        s.upgrade("k8s", new Upgrade.Spec("kubernetes", "v1.35.0", new Upgrade.CatalogSource(null, k8s, null), null,
                ALL, null, null, null, null, null, null, null, null)).pass().expectInstructed("w-2", "w-3");
        assertEquals("os 39.20240501.3.0 does not support kubernetes v1.35.0; upgrade os first",
                s.row("k8s", "w-1").message());
    }

    static Catalog.Spec catalog(String scheme, Integer maxMinorStep, String... versions) {
        List<Catalog.Image> images = java.util.Arrays.stream(versions).map(SimFleet::image).toList();
        return new Catalog.Spec("os", Map.of(), images, List.of(), new Catalog.Policy(maxMinorStep), scheme);
    }

    static Catalog.Spec respin(Catalog.Spec c, String version, String sha256) {
        List<Catalog.Image> images = c.images().stream().map(i -> !i.version().equals(version) ? i
                : new Catalog.Image(i.version(), i.url(), sha256, i.size(), i.requires(), i.payload())).toList();
        return new Catalog.Spec(c.component(), c.channels(), images, c.blocked(), c.policy(), c.versionScheme());
    }
}
