package io.gitfleet.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.gitfleet.schema.Catalog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every rejection and block message of DESIGN.md §2, word for word. */
class CatalogRulesTest {
    private static Catalog.Image image(String version, Map<String, String> requires) {
        return new Catalog.Image(version, "https://img/" + version, "0".repeat(64), 100, requires, null);
    }

    private static final Catalog.Spec OS = new Catalog.Spec("os", Map.of("stable", "v1.35.1", "edge", "v1.36.0-rc.1"),
            List.of(image("v1.34.1", Map.of()), image("v1.34.3", Map.of()),
                    image("v1.35.1", Map.of("kubernetes", ">=v1.34.0,<v1.36")), image("v1.36.0-rc.1", Map.of())),
            List.of("v1.34.3"), null);

    private static final Catalog.Spec K8S = new Catalog.Spec("kubernetes", Map.of(),
            List.of(image("v1.33.2", Map.of()), image("v1.34.0", Map.of()),
                    image("v1.35.0", Map.of("os", ">=v1.12.0"))),
            List.of(), new Catalog.Policy(1));

    private static TargetResolution.Target target(Catalog.Spec c, String component, String v) {
        return assertInstanceOf(TargetResolution.Target.class, CatalogRules.resolve(c, component, v));
    }

    private static void rejected(TargetResolution r, Reason reason, String message) {
        Rejection rej = assertInstanceOf(Rejection.class, r);
        assertEquals(reason, rej.reason());
        assertEquals(message, rej.message());
    }

    private static void refused(NodeVerdict v, Reason reason, String message) {
        Rejection rej = assertInstanceOf(Rejection.class, v);
        assertEquals(reason, rej.reason());
        assertEquals(message, rej.message());
    }

    @Test
    void channelsResolve() {
        assertEquals("v1.35.1", target(OS, "os", "stable").version().toString());
        assertEquals("v1.36.0-rc.1", target(OS, "os", "edge").image().version());
        assertEquals("v1.34.1", target(OS, "os", "1.34.1").image().version());
    }

    @Test
    void upgradeRejections() {
        rejected(CatalogRules.resolve(OS, "os", "v1.99.0"), Reason.UnknownVersion,
                "v1.99.0 is not in the catalog (it has v1.34.1, v1.34.3, v1.35.1, v1.36.0-rc.1)");
        rejected(CatalogRules.resolve(OS, "os", "lts"), Reason.UnknownVersion,
                "'lts' is neither a version nor a channel of the catalog (channels: edge, stable)");
        rejected(CatalogRules.resolve(OS, "os", "v1.34.3"), Reason.BlockedVersion,
                "v1.34.3 is blocked by the catalog");
        rejected(CatalogRules.resolve(OS, "kubernetes", "stable"), Reason.ComponentMismatch,
                "the catalog is for os, but the upgrade is for kubernetes");
        Catalog.Spec blockedChannel = new Catalog.Spec("os", Map.of("stable", "v1.34.3"), OS.images(), OS.blocked(),
                null);
        rejected(CatalogRules.resolve(blockedChannel, "os", "stable"), Reason.BlockedVersion,
                "v1.34.3 (channel stable) is blocked by the catalog");
    }

    @Test
    void nodeVerdicts() {
        TargetResolution.Target os = target(OS, "os", "stable");
        assertEquals(NodeVerdict.AT_TARGET, CatalogRules.judge(OS, "os", os,
                Map.of("os", "1.35.1", "kubernetes", "v1.35.0"), false));
        assertEquals(NodeVerdict.PROCEED, CatalogRules.judge(OS, "os", os,
                Map.of("os", "v1.34.1", "kubernetes", "v1.35.0"), false));
        refused(CatalogRules.judge(OS, "os", os, Map.of("os", "v1.36.0-rc.1", "kubernetes", "v1.35.0"), false),
                Reason.Downgrade, "the node runs os v1.36.0-rc.1; v1.35.1 would be a downgrade "
                        + "(set allowDowngrade: true to allow it)");
        assertEquals(NodeVerdict.PROCEED, CatalogRules.judge(OS, "os", os,
                Map.of("os", "v1.36.0-rc.1", "kubernetes", "v1.35.0"), true));
        refused(CatalogRules.judge(OS, "os", os, Map.of("os", "v1.34.1", "kubernetes", "v1.36.2"), false),
                Reason.RequirementNotMet, "os v1.35.1 requires kubernetes >=v1.34.0,<v1.36; the node runs "
                        + "kubernetes v1.36.2");
        refused(CatalogRules.judge(OS, "os", os, Map.of("os", "v1.34.1"), false),
                Reason.RequirementNotMet, "os v1.35.1 requires kubernetes >=v1.34.0,<v1.36, but the node does not "
                        + "report kubernetes");
    }

    @Test
    void unknownVersionProceedsAndSkipsNothing() {
        TargetResolution.Target k = target(K8S, "kubernetes", "v1.35.0");
        assertEquals(NodeVerdict.PROCEED, CatalogRules.judge(K8S, "kubernetes", k,
                Map.of("kubernetes", "weird", "os", "v1.12.0"), false));
        assertEquals(NodeVerdict.PROCEED, CatalogRules.judge(K8S, "kubernetes", k, Map.of("os", "v1.12.0"), false));
    }

    @Test
    void talosRulesMinorSkipAndOsFirst() {
        TargetResolution.Target k = target(K8S, "kubernetes", "v1.35.0");
        refused(CatalogRules.judge(K8S, "kubernetes", k, Map.of("kubernetes", "v1.33.2", "os", "v1.12.0"), false),
                Reason.MinorVersionSkip, "v1.33.2 → v1.35.0 skips a minor; upgrade to v1.34.x first");
        refused(CatalogRules.judge(K8S, "kubernetes", k, Map.of("kubernetes", "v1.34.0", "os", "v1.11.6"), false),
                Reason.RequirementNotMet, "os v1.11.6 does not support kubernetes v1.35.0; upgrade os first");
        refused(CatalogRules.judge(K8S, "kubernetes", k, Map.of("kubernetes", "v0.34.0", "os", "v1.12.0"), false),
                Reason.MinorVersionSkip, "v0.34.0 → v1.35.0 crosses a major version; the catalog allows 1 minor "
                        + "step at a time");
        Catalog.Spec two = new Catalog.Spec("kubernetes", Map.of(), K8S.images(), List.of(), new Catalog.Policy(1));
        TargetResolution.Target k2 = target(two, "kubernetes", "v1.35.0");
        refused(CatalogRules.judge(two, "kubernetes", k2, Map.of("kubernetes", "v1.32.0", "os", "v1.12.0"), false),
                Reason.MinorVersionSkip, "v1.32.0 → v1.35.0 skips 2 minors; upgrade to v1.33.x first");
    }
}
