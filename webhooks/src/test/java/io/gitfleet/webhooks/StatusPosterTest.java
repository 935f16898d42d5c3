package io.gitfleet.webhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.gitfleet.schema.Backoff;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Statuses that follow a rollout, posted to a WireMock GitHub: once per change, retried with the backoff when the
 * forge fails, left alone when it refuses, remembered across restarts. The poster's thread is a stepped scheduler:
 * retries wait for the test to move time, never for a clock.
 */
class StatusPosterTest {
    private static final String A = "9f3c1d2e4b5a69788f0e1d2c3b4a5968778695a4";
    private static final String PATH = "/repos/acme/fleet/statuses/" + A;

    /** Runs tasks in time order as the test advances. */
    private static final class SteppedScheduler implements SyncCoalescer.Scheduler {
        private record Due(long at, long seq, Runnable task) {
        }

        long now;
        private long seq;
        private final PriorityQueue<Due> queue = new PriorityQueue<>((a, b) -> a.at != b.at
                ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));

        @Override
        public void schedule(Runnable task, long delayNanos) {
            queue.add(new Due(now + delayNanos, seq++, task));
        }

        void advance(Duration d) {
            long until = now + d.toNanos();
            while (!queue.isEmpty() && queue.peek().at <= until) {
                Due next = queue.poll();
                now = Math.max(now, next.at);
                next.task.run();
            }
            now = until;
        }
    }

    /** The backoff's waits are exactly its ceilings: 1 s, 2 s, 4 s… */
    private static final RandomGenerator CEILING = new RandomGenerator() {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    @TempDir
    Path tmp;
    private WireMockServer forge;
    private final SteppedScheduler scheduler = new SteppedScheduler();

    @BeforeEach
    void start() {
        forge = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        forge.start();
    }

    @AfterEach
    void stop() {
        forge.stop();
    }

    private StatusPoster poster(Path memory) {
        ForgeClient client = ForgeClient.create(Forge.GITHUB, URI.create(forge.baseUrl()), "t", Duration.ofSeconds(5));
        return new StatusPoster(client, "acme/fleet", scheduler, new Backoff(Duration.ofSeconds(1),
                Duration.ofMinutes(5), CEILING), memory);
    }

    private static StatusPoster.Status status(CommitState state, String phase, String description) {
        return new StatusPoster.Status(A, "gitfleet/upgrade/os-1-35", state, description, null, phase);
    }

    private int posted(String state) {
        return forge.findAll(postRequestedFor(urlPathEqualTo(PATH))
                .withRequestBody(matchingJsonPath("$.state", com.github.tomakehurst.wiremock.client.WireMock
                        .equalTo(state)))).size();
    }

    @Test
    void postsOnlyWhenThePhaseChanges() {
        forge.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(201)));
        StatusPoster p = poster(null);
        p.want(List.of(status(CommitState.PENDING, "RollingOut", "RollingOut: 1/9 nodes done")));
        assertEquals(0, forge.getAllServeEvents().size(), "nothing on the caller's thread");
        scheduler.advance(Duration.ZERO);
        assertEquals(1, posted("pending"));
        for (int done = 2; done <= 8; done++) {
            p.want(List.of(status(CommitState.PENDING, "RollingOut", "RollingOut: " + done + "/9 nodes done")));
            scheduler.advance(Duration.ofSeconds(5));
        }
        assertEquals(1, forge.getAllServeEvents().size(), "the same phase is not posted again");
        p.want(List.of(status(CommitState.SUCCESS, "Succeeded", "Succeeded: 9/9 nodes done")));
        scheduler.advance(Duration.ZERO);
        assertEquals(1, posted("success"));
        forge.verify(postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(matchingJsonPath("$.context",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo("gitfleet/upgrade/os-1-35"))));
        assertEquals(2, p.posts());
    }

    @Test
    void aFailingForgeIsRetriedWithBackoffAndGetsTheLatestStatus() {
        forge.stubFor(post(urlPathEqualTo(PATH)).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(502)).willSetStateTo("second"));
        forge.stubFor(post(urlPathEqualTo(PATH)).inScenario("flaky").whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        forge.stubFor(post(urlPathEqualTo(PATH)).inScenario("flaky").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(201)));
        StatusPoster p = poster(null);
        p.want(List.of(status(CommitState.PENDING, "RollingOut", "RollingOut")));
        scheduler.advance(Duration.ZERO);
        assertEquals(1, forge.getAllServeEvents().size(), "502");
        scheduler.advance(Duration.ofMillis(999));
        assertEquals(1, forge.getAllServeEvents().size(), "no retry before the backoff's first wait");
        p.want(List.of(status(CommitState.FAILURE, "Failed", "Failed: 3/9 nodes done, 1 failed")));
        assertEquals(1, forge.getAllServeEvents().size(), "a new status waits for the retry: the forge is not hammered");
        scheduler.advance(Duration.ofMillis(1));
        assertEquals(2, forge.getAllServeEvents().size(), "503");
        scheduler.advance(Duration.ofMillis(1999));
        assertEquals(2, forge.getAllServeEvents().size(), "the second wait is twice as long");
        scheduler.advance(Duration.ofMillis(1));
        assertEquals(3, forge.getAllServeEvents().size());
        assertEquals(1, posted("pending"), "only the first try was the pending status");
        assertEquals(2, posted("failure"), "the status wanted during the wait replaced it: tried (503), then posted");
        scheduler.advance(Duration.ofMinutes(10));
        assertEquals(3, forge.getAllServeEvents().size(), "nothing more");
    }

    @Test
    void aRefusalIsNotRetriedUntilTheStatusChanges() {
        forge.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(401)
                .withBody("{\"message\":\"Bad credentials\"}")));
        StatusPoster p = poster(null);
        p.want(List.of(status(CommitState.PENDING, "RollingOut", "RollingOut")));
        scheduler.advance(Duration.ofMinutes(10));
        p.want(List.of(status(CommitState.PENDING, "RollingOut", "RollingOut: 2/9")));
        scheduler.advance(Duration.ofMinutes(10));
        assertEquals(1, forge.getAllServeEvents().size(), "a bad token is not fixed by trying again");
        p.want(List.of(status(CommitState.SUCCESS, "Succeeded", "Succeeded")));
        scheduler.advance(Duration.ZERO);
        assertEquals(2, forge.getAllServeEvents().size(), "a new phase is tried");
    }

    @Test
    void aRestartRemembersWhatWasPosted() {
        forge.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(201)));
        Path memory = tmp.resolve("data/forge-statuses.properties");
        poster(memory).want(List.of(status(CommitState.PENDING, "AwaitingPromotion/PhaseCompleted",
                "AwaitingPromotion (PhaseCompleted): 1/9 nodes done")));
        scheduler.advance(Duration.ZERO);
        assertEquals(1, forge.getAllServeEvents().size());

        StatusPoster restarted = poster(memory);
        assertEquals(CommitState.PENDING, restarted.posted().values().iterator().next().state());
        restarted.want(List.of(status(CommitState.PENDING, "AwaitingPromotion/PhaseCompleted", "AwaitingPromotion")));
        scheduler.advance(Duration.ZERO);
        assertEquals(1, forge.getAllServeEvents().size(), "posted before the restart: not again");
        restarted.want(List.of(status(CommitState.PENDING, "RollingOut", "RollingOut: 1/9 nodes done")));
        scheduler.advance(Duration.ZERO);
        assertEquals(2, forge.getAllServeEvents().size());
    }
}
