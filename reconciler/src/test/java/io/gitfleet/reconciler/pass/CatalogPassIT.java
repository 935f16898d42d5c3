package io.gitfleet.reconciler.pass;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.gitfleet.approval.CatalogPin;
import io.gitfleet.reconciler.catalog.CatalogFetchSettings;
import io.gitfleet.reconciler.catalog.CatalogSources;
import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.FleetRepos;
import io.gitfleet.reconciler.git.GitAuth;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.reconciler.store.StatusWriter;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade whose catalog is a {@code url}, planned through whole passes ({@code reconcile --once} with a kept
 * data dir): rejected while the catalog was never fetched, instructed once it is, and then planned from the cached
 * copy whose digest is the pinned one, without asking the server again. Pins decide which content is acceptable.
 */
class CatalogPassIT {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir
    Path tmp;

    private WireMockServer server;

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private PassResult pass(String repo, Path data, Instant now) throws Exception {
        try (FleetMirror mirror = FleetMirror.open(data.resolve("mirror"), repo, GitAuth.NONE)) {
            StatusWriter writer = new StatusWriter(new StatusStore(mirror.repository(), StatusStore.DEFAULT_BRANCH,
                    mirror), Duration.ZERO, Clock.systemUTC());
            return new ReconcilePass(mirror, writer, new RecordedObservations(), InstructionSink.NONE,
                    CatalogSources.inDataDir(data, CatalogFetchSettings.DEFAULTS),
                    new PassOptions("main", null, true, data.resolve("keys"))).run(now);
        }
    }

    @Test
    void urlCatalogIsFetchedForThePlanner() throws Exception {
        FleetRepos repos = FleetRepos.create(tmp);
        String url = "http://127.0.0.1:" + server.port() + "/catalogs/os.yaml";
        repos.mergeChange("url-catalog", "upgrades/os-1-35.yaml", repos.read("upgrades/os-1-35.yaml")
                .replace("ref: catalogs/os.yaml", "url: " + url + "\n    sha256: " + CatalogPin.sha256(
                        Files.readAllBytes(FleetRepos.exampleFleet().resolve("catalogs/os.yaml")))));
        Reports.seed(repos.bare, T0);
        String repo = repos.bare.toString();
        Path data = tmp.resolve("data");
        String fetchFailed = "catalog " + url + ": fetch failed (HTTP 503)";

        server.stubFor(get("/catalogs/os.yaml").willReturn(aResponse().withStatus(503)));
        PassResult never = pass(repo, data, T0.plusSeconds(1));
        assertTrue(never.completed(), never.failures().toString());
        UpgradeStatus.State os = never.plan().upgrades().get("os-1-35").status();
        assertEquals(UpgradePhase.Rejected, os.phase());
        assertEquals("CatalogUnavailable", os.reason());
        assertEquals(fetchFailed, os.message());
        assertEquals(Set.of(), never.instructions().keySet());
        assertEquals(List.of(new FleetStatus.Condition(FleetStatus.ConditionType.Waiting, "CatalogFetchFailed",
                fetchFailed, T0.plusSeconds(1))), never.status().status().conditions());

        server.stubFor(get("/catalogs/os.yaml").willReturn(aResponse().withStatus(200).withHeader("ETag", "\"1\"")
                .withBody(Files.readString(FleetRepos.exampleFleet().resolve("catalogs/os.yaml")))));
        PassResult fetched = pass(repo, data, T0.plusSeconds(2));
        assertTrue(fetched.completed(), fetched.failures().toString());
        assertEquals(Set.of("worker-1"), fetched.instructions().keySet(), "the canary starts");
        assertEquals("v1.35.1", fetched.instructions().get("worker-1").spec().version());
        assertEquals(FleetStatus.ConditionType.Ready, fetched.status().status().conditions().get(0).type());

        // pinned content cannot change: the cached copy with the pinned digest is used without asking the server
        int fetches = server.getAllServeEvents().size();
        server.stubFor(get("/catalogs/os.yaml").willReturn(aResponse().withStatus(503)));
        PassResult cached = pass(repo, data, T0.plusSeconds(3));
        assertEquals(Set.of("worker-1"), cached.instructions().keySet(), "planned from the pinned copy");
        assertEquals(FleetStatus.ConditionType.Ready, cached.status().status().conditions().get(0).type());
        assertEquals(fetches, server.getAllServeEvents().size());
    }

    @Test
    void aPinnedCatalogIsUsedOnlyWithItsDigestAndPlainHttpNeedsAPin() throws Exception {
        FleetRepos repos = FleetRepos.create(tmp);
        String url = "http://127.0.0.1:" + server.port() + "/catalogs/os.yaml";
        String body = Files.readString(FleetRepos.exampleFleet().resolve("catalogs/os.yaml"));
        String pinned = CatalogPin.sha256(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String manifest = repos.read("upgrades/os-1-35.yaml");
        repos.mergeChange("unpinned", "upgrades/os-1-35.yaml", manifest.replace("ref: catalogs/os.yaml", "url: " + url));
        Reports.seed(repos.bare, T0);
        Path data = tmp.resolve("data");
        server.stubFor(get("/catalogs/os.yaml").willReturn(aResponse().withStatus(200).withBody(body)));

        PassResult unpinned = pass(repos.bare.toString(), data, T0.plusSeconds(1));
        assertEquals(Set.of(), unpinned.instructions().keySet(), "plain http without a pin is not approved content");
        assertEquals(UpgradePhase.Rejected, unpinned.plan().upgrades().get("os-1-35").status().phase());
        assertTrue(unpinned.plan().upgrades().get("os-1-35").status().message().contains("sha256"),
                unpinned.plan().upgrades().get("os-1-35").status().message());
        assertEquals(0, server.getAllServeEvents().size(), "not even fetched");

        // pinned to other content: whoever serves the URL cannot change what was approved
        String other = "f".repeat(64);
        repos.mergeChange("pinned-other", "upgrades/os-1-35.yaml", manifest.replace("ref: catalogs/os.yaml",
                "url: " + url + "\n    sha256: " + other));
        PassResult mismatch = pass(repos.bare.toString(), data, T0.plusSeconds(2));
        UpgradeStatus.State os = mismatch.plan().upgrades().get("os-1-35").status();
        assertEquals(UpgradePhase.Rejected, os.phase());
        assertEquals("CatalogUnavailable", os.reason());
        assertEquals("catalog " + url + ": fetch refused (content sha256 " + pinned
                + " does not match the pinned sha256 " + other + ")", os.message());
        assertEquals(Set.of(), mismatch.instructions().keySet());

        repos.mergeChange("pinned", "upgrades/os-1-35.yaml", manifest.replace("ref: catalogs/os.yaml",
                "url: " + url + "\n    sha256: " + pinned));
        PassResult good = pass(repos.bare.toString(), data, T0.plusSeconds(3));
        assertEquals(Set.of("worker-1"), good.instructions().keySet(), "the canary starts");
        int fetches = server.getAllServeEvents().size();
        server.stubFor(get("/catalogs/os.yaml").willReturn(aResponse().withStatus(200).withBody(body + "# changed\n")));
        PassResult kept = pass(repos.bare.toString(), data, T0.plusSeconds(4));
        assertEquals(Set.of("worker-1"), kept.instructions().keySet());
        assertEquals(fetches, server.getAllServeEvents().size(), "the cached copy with the pinned digest is used");
    }
}
