package io.gitfleet.reconciler.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.gitfleet.reconciler.git.FleetRepos;
import io.gitfleet.schema.Backoff;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import io.gitfleet.webhooks.Forge;
import io.gitfleet.webhooks.ForgeClient;
import io.gitfleet.webhooks.StatusPoster;
import io.gitfleet.webhooks.SyncCoalescer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The status of each upgrade on the commit that last changed its manifest, against a real fleet repo (merges made
 * with the git CLI) and a WireMock GitHub: posted on phase changes only, moved to the merge of a later change of
 * the manifest (the earlier commit closed as superseded), other upgrades left where they are.
 */
class RolloutStatusesIT {
    private static final Instant T = Instant.parse("2026-11-28T02:00:00Z");

    @TempDir
    Path tmp;
    private WireMockServer forge;
    /** The forge's thread, run by hand: nothing here waits on a clock. */
    private final Deque<Runnable> forgeThread = new ArrayDeque<>();
    private final SyncCoalescer.Scheduler scheduler = (task, nanos) -> forgeThread.add(task);

    @BeforeEach
    void start() {
        forge = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        forge.start();
        forge.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(201).withBody("{}")));
    }

    @AfterEach
    void stop() {
        forge.stop();
    }

    private void runForgeThread() {
        while (!forgeThread.isEmpty()) {
            forgeThread.poll().run();
        }
    }

    private static UpgradeStatus upgrade(String name, UpgradePhase phase, String reason, int done) {
        return UpgradeStatus.of(name, new UpgradeStatus.State(phase, reason, null, "os", "stable", "v1.35.1", null, T,
                new UpgradeStatus.Counts(9, 9 - done, 0, 0, 0, done, 0, 0), List.of()));
    }

    /** Each post as "sha context state description", in order. */
    private List<String> posts() {
        List<ServeEvent> events = new java.util.ArrayList<>(forge.getAllServeEvents()); // newest first
        java.util.Collections.reverse(events);
        return events.stream().map(RolloutStatusesIT::describe).toList();
    }

    private static String describe(ServeEvent e) {
        String url = e.getRequest().getUrl();
        JsonNode body = Documents.MAPPER.readTree(e.getRequest().getBodyAsString());
        return url.substring(url.lastIndexOf('/') + 1, url.lastIndexOf('/') + 13) + " "
                + body.path("context").asString() + " " + body.path("state").asString() + " "
                + body.path("description").asString();
    }

    @Test
    void eachUpgradesStatusFollowsItsRolloutOnTheCommitThatLastChangedIt() throws Exception {
        FleetRepos repos = FleetRepos.create(tmp.resolve("repos"));
        String c0 = repos.work.run("rev-parse", "main").substring(0, 12);
        try (Repository repo = new FileRepositoryBuilder().setGitDir(repos.bare.toFile()).setBare().build()) {
            ForgeClient client = ForgeClient.create(Forge.GITHUB, URI.create(forge.baseUrl()), "t",
                    Duration.ofSeconds(5));
            StatusPoster poster = new StatusPoster(client, "acme/fleet", scheduler,
                    new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new java.util.Random(1)),
                    tmp.resolve("data/forge-statuses.properties"));
            RolloutStatuses statuses = new RolloutStatuses(repo, poster, scheduler, "https://gitfleet.example/");

            UpgradeStatus kube = upgrade("kubernetes-1-35", UpgradePhase.Paused, null, 0);
            statuses.show(repos.work.run("rev-parse", "main"), List.of(kube,
                    upgrade("os-1-35", UpgradePhase.RollingOut, null, 0)));
            runForgeThread();
            assertEquals(List.of(
                    c0 + " gitfleet/upgrade/kubernetes-1-35 pending Paused: 0/9 nodes done",
                    c0 + " gitfleet/upgrade/os-1-35 pending RollingOut: 0/9 nodes done"), posts());

            // a merge that does not touch the manifest, and progress within the phase: nothing to post
            String m1 = repos.mergeChange("timeout", "fleet.yaml",
                    repos.read("fleet.yaml").replace("nodeTimeout: 15m", "nodeTimeout: 20m"));
            statuses.show(m1, List.of(kube, upgrade("os-1-35", UpgradePhase.RollingOut, null, 1)));
            statuses.show(m1, List.of(kube, upgrade("os-1-35", UpgradePhase.RollingOut, null, 2)));
            runForgeThread();
            assertEquals(2, posts().size(), posts().toString());

            statuses.show(m1, List.of(kube, upgrade("os-1-35", UpgradePhase.AwaitingPromotion, "PhaseCompleted", 1)));
            runForgeThread();
            assertEquals(c0 + " gitfleet/upgrade/os-1-35 pending AwaitingPromotion (PhaseCompleted): 1/9 nodes done",
                    posts().get(2));

            // the promotion is merged: os-1-35's status moves to that merge; the first commit is closed
            String m2 = repos.mergeChange("promote", "upgrades/os-1-35.yaml",
                    repos.read("upgrades/os-1-35.yaml").replace("promoted: false", "promoted: true"));
            statuses.show(m2, List.of(kube, upgrade("os-1-35", UpgradePhase.RollingOut, null, 1)));
            runForgeThread();
            String merge = m2.substring(0, 12);
            assertEquals(List.of(
                    merge + " gitfleet/upgrade/os-1-35 pending RollingOut: 1/9 nodes done",
                    c0 + " gitfleet/upgrade/os-1-35 success Superseded by " + merge
                            + ", a later change of this upgrade: its status follows the rollout there"),
                    posts().subList(3, 5));

            statuses.show(m2, List.of(kube, upgrade("os-1-35", UpgradePhase.Succeeded, null, 9)));
            statuses.show(m2, List.of(kube, upgrade("os-1-35", UpgradePhase.Succeeded, null, 9)));
            runForgeThread();
            assertEquals("https://gitfleet.example/#/upgrade/os-1-35", Documents.MAPPER.readTree(forge
                    .getAllServeEvents().get(0).getRequest().getBodyAsString()).path("target_url").asString(),
                    "linked to the upgrade's view on the dashboard");
            assertEquals(List.of(merge + " gitfleet/upgrade/os-1-35 success Succeeded: 9/9 nodes done"),
                    posts().subList(5, posts().size()), "once, and kubernetes-1-35 stayed where it was");
            Map<String, StatusPoster.Status> remembered = poster.posted();
            assertEquals(2, remembered.size(), "the superseded commit is forgotten once closed: " + remembered.keySet());
        }
    }
}
