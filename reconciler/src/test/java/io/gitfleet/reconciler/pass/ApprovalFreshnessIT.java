package io.gitfleet.reconciler.pass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.catalog.CatalogFetchSettings;
import io.gitfleet.reconciler.catalog.CatalogSources;
import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.FleetRepos;
import io.gitfleet.reconciler.git.GitAuth;
import io.gitfleet.reconciler.git.GitCli;
import io.gitfleet.reconciler.git.GitDaemon;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.reconciler.store.StatusWriter;
import io.gitfleet.schema.FleetStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code approval.maxAge} against an approved branch frozen in the past: signed commits dated 45 days back
 * ({@code GIT_COMMITTER_DATE}, an SSH key made by ssh-keygen), served by git daemon. Nothing new is instructed
 * and the fleet is Stalled until a signed empty commit renews the approval.
 */
class ApprovalFreshnessIT {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir
    Path tmp;

    private PassResult pass(String url, Path data, Instant now) throws Exception {
        try (FleetMirror mirror = FleetMirror.open(data.resolve("mirror"), url, GitAuth.NONE)) {
            StatusWriter writer = new StatusWriter(new StatusStore(mirror.repository(), StatusStore.DEFAULT_BRANCH,
                    mirror), Duration.ZERO, Clock.systemUTC());
            return new ReconcilePass(mirror, writer, new RecordedObservations(), InstructionSink.NONE,
                    CatalogSources.inDataDir(data, CatalogFetchSettings.DEFAULTS),
                    new PassOptions("main", null, true, data.resolve("keys"))).run(now);
        }
    }

    private static String signedCommit(FleetRepos repos, Path key, Instant date, String message) {
        GitCli as = repos.work.withEnv(Map.of("GIT_COMMITTER_DATE", date.getEpochSecond() + " +0000",
                "GIT_AUTHOR_DATE", date.getEpochSecond() + " +0000", "GIT_COMMITTER_EMAIL", "ops@example.org"));
        as.run("add", "-A");
        as.run("-c", "gpg.format=ssh", "-c", "user.signingkey=" + key, "commit", "-q", "-S", "--allow-empty", "-m",
                message);
        repos.work.run("push", "-q", "origin", "main");
        return repos.work.run("rev-parse", "main");
    }

    @Test
    void aBranchFrozenInThePastStartsNothingUntilASignedCommitRenewsIt() throws Exception {
        Path served = tmp.resolve("served");
        Files.createDirectories(served);
        FleetRepos repos = FleetRepos.create(served);
        Path key = tmp.resolve("ops");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ops", "-f",
                key.toString()).redirectErrorStream(true).start();
        assertEquals(0, keygen.waitFor());
        Path fleet = repos.work.dir().resolve("fleet.yaml");
        Files.writeString(fleet, Files.readString(fleet).replace("signedCommits: none",
                "signedCommits: first-parent\n    maxAge: 30d"));
        Files.writeString(repos.work.dir().resolve(".gitfleet/allowed_signers"),
                "ops@example.org " + Files.readString(Path.of(key + ".pub")).strip() + "\n");
        Instant past = T0.minus(45, ChronoUnit.DAYS);
        String frozen = signedCommit(repos, key, past, "Signed approvals, 30 days at most");
        Reports.seed(repos.bare, T0);

        try (GitDaemon daemon = GitDaemon.serve(served)) {
            String url = daemon.url("fleet.git");
            Path data = tmp.resolve("data");

            PassResult stale = pass(url, data, T0.plusSeconds(1));
            assertTrue(stale.stalled(), stale.failures().toString());
            assertEquals(Set.of(), stale.instructions().keySet(), "nothing new is instructed");
            FleetStatus.Condition stalled = stale.status().status().conditions().get(0);
            assertEquals(FleetStatus.ConditionType.Stalled, stalled.type());
            assertEquals("ApprovalExpired", stalled.reason());
            assertEquals("the newest approved commit " + frozen + " was committed at " + past + ", more than 30d"
                    + " ago (approval.maxAge in fleet.yaml); nothing new starts until a signed commit renews the"
                    + " approval (an empty one will do)", stalled.message());
            assertEquals("Held", stale.plan().upgrades().get("os-1-35").status().reason());

            PassResult again = pass(url, data, T0.plusSeconds(2));
            assertTrue(again.stalled() && again.instructions().isEmpty(), "stays stalled while nothing is signed");

            String renewed = signedCommit(repos, key, T0, "Renew the approvals");
            PassResult fresh = pass(url, data, T0.plusSeconds(3));
            assertFalse(fresh.stalled(), fresh.failures().toString());
            assertEquals(Set.of("worker-1"), fresh.instructions().keySet(), "the canary starts");
            assertEquals(renewed, fresh.instructions().get("worker-1").spec().approvedCommit());
            assertEquals(FleetStatus.ConditionType.Ready, fresh.status().status().conditions().get(0).type());
        }
    }
}
