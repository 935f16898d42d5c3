package io.gitfleet.reconciler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.git.FleetRepos;
import io.gitfleet.reconciler.git.GitAuth;
import io.gitfleet.reconciler.git.GitCli;
import io.gitfleet.reconciler.store.LeaseRef;
import io.gitfleet.schema.FleetStatus.Lease;
import io.gitfleet.webhooks.WebhookSecrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.codec.digest.HmacAlgorithms;
import org.apache.commons.codec.digest.HmacUtils;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real server with its pass held busy (a step that waits on a latch the test opens): the lease lives on its
 * own thread and ref, so the replica keeps it for as long as the pass is held, and pull requests asked for
 * meanwhile are all planned once the pass ends.
 */
class BusyLoopIT {
    private static final String SECRET = "s3cret";
    private static final Duration LEASE = Duration.ofSeconds(2);

    // not JUnit's @TempDir: something still adds a pack to the bare repo just after the server closed (not yet
    // understood), and a failed deletion would fail the test; the folder is removed as far as it can be
    private final Path tmp = createTemp();
    private FleetRepos repos;
    private ReconcilerServer server;
    private String base;
    private final AtomicBoolean hold = new AtomicBoolean();
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        repos = FleetRepos.create(tmp.resolve("repos"));
        // the test pushes fast enough to trigger JGit's automatic gc of the remote in the background
        new io.gitfleet.reconciler.git.GitCli(repos.bare).run("config", "gc.auto", "0");
        ServerSettings settings = new ServerSettings(repos.bare.toString(), GitAuth.NONE, tmp.resolve("data"),
                "127.0.0.1", 0, "main", "gitfleet/status", Duration.ofHours(1), Duration.ofMillis(200),
                WebhookSecrets.shared(SECRET), null, null)
                .withReplica(new ReplicaSettings("replica-a", null, LEASE));
        ReconcilerServer.Hooks hooks = new ReconcilerServer.Hooks();
        hooks.beforePass = () -> {
            if (hold.get()) {
                entered.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        server = new ReconcilerServer(settings, Clock.systemUTC(), hooks);
        base = "http://127.0.0.1:" + server.start();
        ServerIT.eventually("the first pass loaded the fleet", () -> server.acting()
                && !server.state().inventory().isEmpty());
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        server.close();
        try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(tmp)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static Path createTemp() {
        try {
            return java.nio.file.Files.createTempDirectory("busy-loop-it");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A pass held three leases long: the lease is renewed all along and the replica never stops acting. */
    @Test
    void aPassHeldBusyLongerThanTheLeaseKeepsTheLease() throws Exception {
        hold.set(true);
        server.requestSync();
        assertTrue(entered.await(20, TimeUnit.SECONDS), "the pass is held");
        Instant heldSince = Instant.now();
        AtomicBoolean lost = new AtomicBoolean();
        ServerIT.eventually("the lease is renewed three leases past the start of the held pass", () -> {
            lost.compareAndSet(false, !server.acting());
            Lease l = leaseOnTheRemote();
            return l != null && l.renewedAt().isAfter(heldSince.plus(LEASE.multipliedBy(3)));
        });
        assertFalse(lost.get(), "the replica acted all along while its pass was held");
        assertEquals("replica-a", leaseOnTheRemote().holder());
        long turns = server.loop().turns();
        release.countDown();
        server.requestSync();
        ServerIT.eventually("the held pass ends and the loop goes on", () -> server.loop().turns() > turns);
        assertTrue(server.acting());

        String log = new GitCli(repos.bare).run("log", "--format=%s", "gitfleet/status");
        assertEquals(1, log.lines().filter(l -> l.startsWith("lease: ")).count(),
                "one lease commit on the status branch (the acquisition), no renewal: " + log);
    }

    /** 50 pull requests (and a newer request for one of them) asked for while the pass is held: all 50 written. */
    @Test
    void fiftyPlanRequestsDuringABusyPassAreAllWritten() throws Exception {
        String head = repos.work.run("rev-parse", "HEAD").strip();
        hold.set(true);
        server.requestSync();
        assertTrue(entered.await(20, TimeUnit.SECONDS), "the pass is held");
        for (int n = 1; n <= 50; n++) {
            assertEquals(202, webhook(n, head, "d-" + n).statusCode());
        }
        assertEquals(202, webhook(7, head, "d-7-again").statusCode());
        release.countDown();
        GitCli git = new GitCli(repos.bare);
        ServerIT.eventually("every pull request's plan is on the status branch", () -> {
            try {
                return git.run("ls-tree", "--name-only", "gitfleet/status", "plans/").lines().count() == 50;
            } catch (Exception e) {
                return false;
            }
        });
        String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("gitfleet_pull_request_plans_total{result=\"superseded\"} 1.0"), metrics);
        assertTrue(metrics.contains("gitfleet_pull_request_plans_total{result=\"written\"} 50.0"), metrics);
    }

    private Lease leaseOnTheRemote() {
        try (Repository bare = new FileRepositoryBuilder().setGitDir(repos.bare.toFile()).setBare().build()) {
            return new LeaseRef(bare, null).read().lease();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> webhook(int number, String head, String delivery) throws Exception {
        String body = "{\"event\":\"pull_request\",\"action\":\"opened\",\"number\":" + number
                + ",\"repository\":\"acme/fleet\",\"head\":\"" + head + "\",\"headRef\":\"main\",\"baseRef\":\"main\"}";
        String sig = "sha256=" + new HmacUtils(HmacAlgorithms.HMAC_SHA_256, SECRET).hmacHex(body);
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/hooks/generic"))
                .header("Content-Type", "application/json").header("X-Gitfleet-Signature", sig)
                .header("X-Gitfleet-Delivery", delivery).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }
}
