package io.gitfleet.reconciler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.FleetRepos;
import io.gitfleet.reconciler.git.GitAuth;
import io.gitfleet.reconciler.git.GitCli;
import io.gitfleet.reconciler.git.GitDaemon;
import io.gitfleet.reconciler.store.CommitStatusView;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import io.gitfleet.webhooks.WebhookSecrets;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas against one fleet repo served by {@code git daemon}: the lease decides which one acts, agents
 * talking to the standby are forwarded to the holder, and killing the holder mid-rollout hands over within the
 * lease time without breaking the rollout's invariants on the status branch.
 */
class ReplicasIT {
    static final Duration LEASE = Duration.ofSeconds(2);
    static final Duration RENEW = LEASE.dividedBy(3);
    static final Duration SLACK = Duration.ofMillis(500);

    @TempDir
    Path tmp;
    private GitDaemon daemon;
    private ReconcilerServer a;
    private ReconcilerServer b;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        for (ReconcilerServer s : new ReconcilerServer[] {a, b}) {
            if (s != null) {
                try {
                    s.close();
                } catch (Exception ignored) {
                    // the crashed one is closed already
                }
            }
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    static final String PEER_SECRET = "replicas-share-this-secret";
    /** Ports chosen before either replica starts, so that each can name the other as a peer. */
    private final int portA = freePort();
    private final int portB = freePort();

    ReconcilerServer replica(String id, String url) throws Exception {
        Map<String, String> peers = new LinkedHashMap<>();
        peers.put("replica-a", "http://127.0.0.1:" + portA);
        peers.put("replica-b", "http://127.0.0.1:" + portB);
        peers.remove(id);
        ServerSettings settings = new ServerSettings(url, GitAuth.NONE, tmp.resolve("data-" + id), "127.0.0.1",
                id.equals("replica-a") ? portA : portB, "main", "gitfleet/status", Duration.ofHours(1),
                Duration.ofMillis(200), WebhookSecrets.shared("s"), null, null)
                .withReplica(new ReplicaSettings(id, null, LEASE, peers, PEER_SECRET));
        return new ReconcilerServer(settings, Clock.systemUTC());
    }

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The example fleet served by git daemon, and replica-a started on it and holding the lease; its port. */
    private int holderOn(FleetRepos repos) throws Exception {
        daemon = GitDaemon.serve(repos.bare.getParent());
        a = replica("replica-a", daemon.url("fleet.git"));
        int port = a.start();
        ServerIT.eventually("replica-a holds the lease and loaded the fleet",
                () -> a.acting() && !a.state().inventory().isEmpty());
        return port;
    }

    @Test
    void theStandbyForwardsAndTakesOverWhenTheHolderDies() throws Exception {
        FleetRepos repos = FleetRepos.create(tmp.resolve("repos"));
        holderOn(repos);
        String url = daemon.url("fleet.git");
        b = replica("replica-b", url);
        String standby = "http://127.0.0.1:" + b.start();
        ServerIT.eventually("replica-b sees the rollout as replica-a wrote it",
                () -> b.state().upgrades().containsKey("os-1-35"));
        assertFalse(b.acting(), "one replica acts");

        Map<String, HttpAgent> agents = new LinkedHashMap<>();
        for (String n : new String[] {"cp-1", "cp-2", "cp-3", "worker-1", "worker-2", "worker-3", "worker-4",
            "worker-5", "worker-6"}) {
            agents.put(n, new HttpAgent(standby, http, n, "v1.34.1"));
        }
        for (HttpAgent agent : agents.values()) {
            agent.report(0);
        }
        HttpAgent canary = agents.get("worker-1");
        Instruction first = canary.report(10);
        assertNotNull(first, "the canary is instructed through the standby (its report forwarded to the holder)");
        canary.install();
        ServerIT.eventually("the holder saw the canary succeed", () -> a.state().upgrades().get("os-1-35").status()
                .phase() == UpgradePhase.AwaitingPromotion);
        ServerIT.eventually("the standby shows it too", () -> b.state().upgrades().get("os-1-35").status()
                .phase() == UpgradePhase.AwaitingPromotion);

        repos.mergeChange("promote-os", "upgrades/os-1-35.yaml",
                repos.read("upgrades/os-1-35.yaml").replace("promoted: false", "promoted: true"));
        a.requestSync();
        HttpAgent second = agents.get("worker-2");
        assertNotNull(second.report(10), "the promotion moves the rollout on");
        second.phase(NodePhase.Downloading);
        second.report(0);
        second.phase(NodePhase.Writing);
        second.report(0);
        ServerIT.eventually("worker-2 is recorded as writing", () -> phaseOf(b, "worker-2") == NodePhase.Writing);

        // the holder dies mid-rollout, its lease still on the branch; worker-2 finishes meanwhile
        long crashed = System.nanoTime();
        a.crash();
        a = null;
        second.phase(NodePhase.Staged);
        second.reportRetrying(0, Duration.ofSeconds(20));
        ServerIT.eventually("replica-b takes the lease over", b::acting);
        Duration handOver = Duration.ofNanos(System.nanoTime() - crashed);
        second.phase(NodePhase.Rebooting);
        second.report(0);
        second.phase(NodePhase.Completed);
        second.components.put("os", second.held.spec().version());
        second.report(0);
        HttpAgent third = agents.get("worker-3");
        Instruction next = null;
        while (next == null && Duration.ofNanos(System.nanoTime() - crashed).toSeconds() < 20) {
            next = third.reportRetrying(5, Duration.ofSeconds(20));
        }
        Duration movedOn = Duration.ofNanos(System.nanoTime() - crashed);
        assertNotNull(next, "the new holder moves the rollout on");
        System.out.println("ReplicasIT: lease " + LEASE.toMillis() + " ms: hand-over " + handOver.toMillis()
                + " ms, next instruction " + movedOn.toMillis() + " ms after the crash");
        // the lease runs out at most LEASE after the crash and the standby looks every RENEW; SLACK covers the
        // standby's own fetch and push on that tick and, for the instruction, the new holder's first pass
        assertTrue(handOver.compareTo(LEASE.plus(RENEW).plus(SLACK)) <= 0, "hand-over took " + handOver.toMillis()
                + " ms");
        assertTrue(movedOn.compareTo(LEASE.plus(RENEW).plus(SLACK)) <= 0, "the next instruction came "
                + movedOn.toMillis() + " ms after the crash");

        b.close();
        b = null;
        assertHistoryKeepsTheInvariants(repos.bare);
    }

    /**
     * A holder that finds another replica's lease on the branch (here one taken by a replica whose clock runs an
     * hour ahead, so it saw ours as run out) stops acting at its next look: it no longer answers agents itself,
     * writes no status, and does not take the lease back while the other one's is fresh.
     */
    @Test
    void aHolderThatSeesAnotherHolderStepsDown() throws Exception {
        FleetRepos repos = FleetRepos.create(tmp.resolve("repos"));
        String base = "http://127.0.0.1:" + holderOn(repos);
        String url = daemon.url("fleet.git");
        HttpAgent canary = new HttpAgent(base, http, "worker-1", "v1.34.1");
        canary.report(0);
        assertNotNull(canary.report(10), "replica-a acts: the canary is instructed");

        long seized;
        try (FleetMirror mirror = FleetMirror.open(tmp.resolve("data-replica-c"), url, GitAuth.NONE)) {
            Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
            LeaseKeeper c = new LeaseKeeper(new StatusStore(mirror.repository(), "gitfleet/status", mirror), ahead)
                    .setReplica("replica-c").setDuration(LEASE);
            assertEquals(LeaseRules.Kind.TAKE_OVER, c.call().kind(), "replica-c sees replica-a's lease as run out");
            seized = System.nanoTime();
        }
        ServerIT.eventually("replica-a stands by", () -> !a.acting());
        Duration noticed = Duration.ofNanos(System.nanoTime() - seized);
        assertTrue(noticed.compareTo(RENEW.plus(SLACK)) <= 0, "replica-a noticed after " + noticed.toMillis() + " ms");

        // replica-c is not one of replica-a's peers: agents reaching replica-a are told to back off, not forwarded
        canary.phase(NodePhase.Downloading);
        assertThrows(HttpAgent.Unavailable.class, () -> canary.report(0));
        GitCli git = new GitCli(repos.bare);
        String head = git.run("rev-parse", "gitfleet/status").strip();
        // three more turns of replica-a's lease and one of its loop: each a chance to take the lease back or write
        long ticks = a.leaseTicks();
        long turns = a.loop().turns();
        ServerIT.eventually("replica-a looked at the lease three times more", () -> a.leaseTicks() >= ticks + 3
                && a.loop().turns() > turns);
        assertFalse(a.acting(), "replica-a does not take the fresh lease back");
        assertEquals(head, git.run("rev-parse", "gitfleet/status").strip(), "replica-a wrote nothing more: "
                + git.run("log", "--format=%s", "-3", "gitfleet/status"));
        assertTrue(git.run("log", "--format=%s", "gitfleet/status")
                .contains("lease: replica-c took over from replica-a"));
    }

    private static NodePhase phaseOf(ReconcilerServer s, String node) {
        UpgradeStatus u = s.state().upgrades().get("os-1-35");
        return u == null ? null : u.status().nodes().stream().filter(r -> r.node().equals(node))
                .map(UpgradeStatus.NodeRow::phase).findFirst().orElse(null);
    }

    /** Every commit valid, never more than maxUnavailable (1) in flight, linear history, fsck clean. */
    private static void assertHistoryKeepsTheInvariants(Path bare) throws Exception {
        GitCli git = new GitCli(bare);
        assertEquals("", git.run("rev-list", "--merges", "gitfleet/status"), "linear history");
        git.run("fsck", "--strict");
        String log = git.run("log", "--format=%s", "gitfleet/status");
        assertTrue(log.contains("lease: replica-b took over from replica-a"), log);
        assertEquals(List.of("lease: replica-a acquired", "lease: replica-b took over from replica-a"),
                log.lines().filter(l -> l.startsWith("lease: ")).sorted().toList(),
                "one commit per change of leader; renewals stay on refs/gitfleet/lease");
        int commits = 0;
        try (Repository repo = new FileRepositoryBuilder().setGitDir(bare.toFile()).setBare().build();
             RevWalk walk = new RevWalk(repo)) {
            walk.markStart(walk.parseCommit(repo.resolve("refs/heads/gitfleet/status")));
            for (RevCommit c : walk) {
                commits++;
                assertTrue(c.getParentCount() <= 1, c.name());
                CommitStatusView view = CommitStatusView.of(repo, ObjectId.fromString(c.name()));
                view.fleet();
                view.nodes();
                view.plans();
                for (UpgradeStatus u : view.upgrades().values()) {
                    long inFlight = u.status().nodes().stream().filter(r -> r.phase().inFlight()).count();
                    assertTrue(inFlight <= 1, c.name() + ": " + inFlight + " nodes of " + u.name() + " in flight");
                }
            }
        }
        assertTrue(commits > 5, "commits: " + commits);
    }
}
