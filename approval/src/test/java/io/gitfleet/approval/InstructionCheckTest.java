package io.gitfleet.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.Fleet;
import io.gitfleet.schema.FleetLoader;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.LoadedFleet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What an instruction may say at an approved commit, table by table, and the freshness rule. */
class InstructionCheckTest {
    static final String COMMIT = "0123456789ab".repeat(3) + "0123";
    static final String SHA = "ab".repeat(32);
    static final String CATALOG = """
            apiVersion: gitfleet.io/v1
            kind: Catalog
            metadata: {name: os}
            spec:
              component: os
              channels: {stable: v2.0.0}
              images:
                - {version: v2.0.0, url: "https://img/os-2.zst", sha256: %s, size: 100}
            """.formatted(SHA);

    static LoadedFleet fleet(String upgradeSpec) {
        Map<String, byte[]> files = new TreeMap<>();
        files.put("fleet.yaml", bytes("apiVersion: gitfleet.io/v1\nkind: Fleet\nmetadata: {name: fleet}\nspec: {}\n"));
        files.put("nodes/node-1.yaml", bytes("apiVersion: gitfleet.io/v1\nkind: Node\nmetadata: {name: node-1}\n"
                + "spec: {role: worker, labels: {zone: a}}\n"));
        files.put("catalogs/os.yaml", bytes(CATALOG));
        files.put("upgrades/os-2.yaml", bytes("apiVersion: gitfleet.io/v1\nkind: Upgrade\nmetadata: {name: os-2}\n"
                + "spec:\n" + upgradeSpec));
        return FleetLoader.load(files);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Instruction.Spec install(String version, String url, String sha) {
        return new Instruction.Spec("os-2", 1, null, Action.INSTALL, "os", version, COMMIT,
                new Instruction.ImageRef(url, sha, 100, Map.of()), null, false);
    }

    static String refusal(LoadedFleet fleet, Instruction.Spec spec, InstructionCheck.PinnedCatalogs catalogs) {
        InstructionCheck.Result r = InstructionCheck.check(fleet, COMMIT, "node-1", spec, catalogs);
        return r instanceof InstructionCheck.Refused refused ? refused.reason() : "approved";
    }

    static final InstructionCheck.PinnedCatalogs NONE = (u, s) -> {
        throw new IOException("unreachable");
    };

    @Test
    void theApprovedInstructionPassesAndCarriesTheManifest() {
        InstructionCheck.Result r = InstructionCheck.check(fleet("  version: stable\n  catalog: {ref: catalogs/os.yaml}\n"
                + "  allowDowngrade: true\n"), COMMIT, "node-1", install("v2.0.0", "https://img/os-2.zst", SHA), NONE);
        assertEquals(true, assertInstanceOf(InstructionCheck.Approved.class, r).upgrade().allowDowngrade());
    }

    @Test
    void eachDisagreementIsOneSentence() {
        String at = " at " + COMMIT.substring(0, 12);
        String ref = "  version: stable\n  catalog: {ref: catalogs/os.yaml}\n";
        Instruction.Spec good = install("v2.0.0", "https://img/os-2.zst", SHA);
        assertEquals("not approved: upgrades/os-2.yaml" + at + " is paused",
                refusal(fleet(ref + "  paused: true\n"), good, NONE));
        assertEquals("not approved: upgrades/os-2.yaml" + at + " does not select node node-1",
                refusal(fleet(ref + "  selector: {matchLabels: {zone: b}}\n"), good, NONE));
        assertEquals("disagrees with Git: upgrades/os-2.yaml" + at + " asks for a rollback, not an install",
                refusal(fleet(ref + "  rollback: true\n"), good, NONE));
        assertEquals("disagrees with Git: upgrades/os-2.yaml" + at + " targets v2.0.0, the instruction v2.1.0",
                refusal(fleet(ref), install("v2.1.0", "https://img/os-2.zst", SHA), NONE));
        assertEquals("disagrees with Git: the approved catalog" + at + " has https://img/os-2.zst sha256 " + SHA
                + " size 100 for v2.0.0; the instruction https://img/os-2.zst sha256 " + "cd".repeat(32)
                + " size 100", refusal(fleet(ref), install("v2.0.0", "https://img/os-2.zst", "cd".repeat(32)), NONE));
        assertEquals("not approved: upgrades/os-2.yaml" + at + " names the catalog https://c/os.yaml without its"
                + " sha256, so its images are not part of the approval",
                refusal(fleet("  version: stable\n  catalog: {url: \"https://c/os.yaml\"}\n"), good, NONE));
    }

    @Test
    void aPinnedUrlCatalogIsAskedForWithItsPin() {
        String pin = "ef".repeat(32);
        LoadedFleet f = fleet("  version: stable\n  catalog: {url: \"http://c/os.yaml\", sha256: " + pin + "}\n");
        Catalog.Spec catalog = DocumentReader.read("c", bytes(CATALOG), Catalog.class, null).document().spec();
        assertEquals("approved", refusal(f, install("v2.0.0", "https://img/os-2.zst", SHA),
                (u, s) -> u.equals("http://c/os.yaml") && s.equals(pin) ? catalog : null));
        assertEquals("cannot verify: the catalog http://c/os.yaml pinned by upgrades/os-2.yaml at "
                + COMMIT.substring(0, 12) + ": unreachable", refusal(f, install("v2.0.0", "https://img/os-2.zst", SHA),
                NONE));
    }

    @Test
    void freshnessCountsFromTheCommitDate() {
        Fleet.Approval policy = new Fleet.Approval(null, null, null, "30d");
        Instant committed = Instant.parse("2026-01-01T00:00:00Z");
        assertEquals(Optional.empty(), Freshness.stale(policy, "c", committed, committed.plusSeconds(30 * 86400)));
        assertEquals(Optional.of("the newest approved commit c was committed at 2026-01-01T00:00:00Z, more than 30d"
                + " ago (approval.maxAge in fleet.yaml); nothing new starts until a signed commit renews the approval"
                + " (an empty one will do)"), Freshness.stale(policy, "c", committed, committed.plusSeconds(30 * 86400 + 1)));
        assertEquals(Optional.empty(), Freshness.stale(new Fleet.Approval(null, null, null), "c", committed,
                committed.plusSeconds(3650L * 86400)));
    }

    @Test
    void aPinMatchesOnlyItsContent() {
        byte[] body = bytes(CATALOG);
        assertEquals(Optional.empty(), CatalogPin.mismatch(body, CatalogPin.sha256(body)));
        assertEquals(Optional.of("content sha256 " + CatalogPin.sha256(body) + " does not match the pinned sha256 "
                + SHA), CatalogPin.mismatch(body, SHA));
    }
}
