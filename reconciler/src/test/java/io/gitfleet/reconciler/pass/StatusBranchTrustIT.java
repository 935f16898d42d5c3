package io.gitfleet.reconciler.pass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.catalog.CatalogFetchSettings;
import io.gitfleet.reconciler.catalog.CatalogSources;
import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.FleetRepos;
import io.gitfleet.reconciler.git.GitAuth;
import io.gitfleet.reconciler.git.GitCli;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.reconciler.store.StatusWriter;
import io.gitfleet.schema.FleetStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status branch is not a source of trust: whoever can push to it forges "this was checked", deletes it to make
 * the reconciler forget, or rewinds it. Each case is tried as an attacker would, against a bare repo remote.
 */
class StatusBranchTrustIT {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir
    Path tmp;

    private PassResult pass(Path remote, Path data, String accept, Instant now) throws Exception {
        try (FleetMirror mirror = FleetMirror.open(data.resolve("mirror"), remote.toString(), GitAuth.NONE)) {
            StatusWriter writer = new StatusWriter(new StatusStore(mirror.repository(), StatusStore.DEFAULT_BRANCH,
                    mirror), Duration.ZERO, Clock.systemUTC());
            return new ReconcilePass(mirror, writer, new RecordedObservations(), InstructionSink.NONE,
                    CatalogSources.inDataDir(data, CatalogFetchSettings.DEFAULTS),
                    new PassOptions("main", accept, true, data.resolve("keys"))).run(now);
        }
    }

    private static FleetStatus.Condition condition(PassResult r, String reason) {
        return r.status().status().conditions().stream().filter(c -> c.reason().equals(reason)).findFirst()
                .orElse(null);
    }

    private static String conditions(PassResult r) {
        return r.status().status().conditions().toString();
    }

    private Path key(String name) throws Exception {
        Path k = tmp.resolve(name);
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", k.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, p.waitFor());
        return k;
    }

    /** What an attacker with push access to the status branch does: edit fleet.yaml there and push. */
    private static void forgeStatus(Path bare, Path scratch, String from, String to) throws Exception {
        GitCli clone = new GitCli(scratch);
        Files.createDirectories(scratch);
        clone.run("clone", "-q", "--branch", StatusStore.DEFAULT_BRANCH, bare.toString(), ".");
        Path fleet = scratch.resolve("fleet.yaml");
        String before = Files.readString(fleet);
        String after = before.replace(from, to);
        assertFalse(before.equals(after), "the forged field is there: " + before);
        Files.writeString(fleet, after);
        clone.run("commit", "-q", "-am", "status: fleet");
        clone.run("push", "-q", "origin", StatusStore.DEFAULT_BRANCH);
    }

    @Test
    void aForgedLastAppliedCommitDoesNotMakeAnUnsignedHeadAcceptable() throws Exception {
        FleetRepos repos = FleetRepos.create(tmp.resolve("served"));
        Path alice = key("alice");
        Path fleet = repos.work.dir().resolve("fleet.yaml");
        Files.writeString(fleet, Files.readString(fleet).replace("signedCommits: none", "signedCommits: first-parent"));
        Files.writeString(repos.work.dir().resolve(".gitfleet/allowed_signers"), "alice@example.org "
                + Files.readString(Path.of(alice + ".pub")).strip() + "\n");
        repos.work.run("add", "-A");
        repos.work.run("-c", "gpg.format=ssh", "-c", "user.signingkey=" + alice, "commit", "-q", "-S", "-m",
                "Signed approvals from now on");
        String signed = repos.work.run("rev-parse", "HEAD");
        repos.work.run("push", "-q", "origin", "main");
        Reports.seed(repos.bare, T0);
        Path data = tmp.resolve("data");

        PassResult first = pass(repos.bare, data, null, T0.plusSeconds(1));
        assertFalse(first.stalled(), first.failures().toString());
        assertEquals(signed, first.status().status().approvedCommit());

        String promoted = repos.read("upgrades/os-1-35.yaml").replace("promoted: false", "promoted: true");
        Files.writeString(repos.work.dir().resolve("upgrades/os-1-35.yaml"), promoted);
        repos.work.run("commit", "-q", "-am", "Unsigned: promote");
        String unsigned = repos.work.run("rev-parse", "HEAD");
        repos.work.run("push", "-q", "origin", "main");
        PassResult refused = pass(repos.bare, data, null, T0.plusSeconds(2));
        assertNotNull(condition(refused, "UnsignedCommit"), conditions(refused));

        // the attacker writes the unsigned head into the status branch as if it had been checked
        forgeStatus(repos.bare, tmp.resolve("attacker"), "approvedCommit: " + signed,
                "approvedCommit: " + unsigned);
        PassResult after = pass(repos.bare, data, null, T0.plusSeconds(3));
        FleetStatus.Condition c = condition(after, "UnsignedCommit");
        assertNotNull(c, "still refused: " + conditions(after));
        assertTrue(c.message().contains(unsigned), c.message());
        assertEquals(signed, after.status().status().approvedCommit(), "acting on the signed commit");
        assertTrue(after.instructions().values().stream().allMatch(i -> i.spec().approvedCommit().equals(signed)));

        // a reconciler with a new data dir has no anchor: the record is re-checked, not believed
        forgeStatus(repos.bare, tmp.resolve("attacker2"), "approvedCommit: " + signed,
                "approvedCommit: " + unsigned);
        PassResult fresh = pass(repos.bare, tmp.resolve("fresh"), null, T0.plusSeconds(4));
        assertTrue(fresh.stalled(), conditions(fresh));
        assertNotNull(condition(fresh, "UnsignedCommit"), conditions(fresh));
        assertTrue(fresh.instructions().isEmpty(), "nothing acted on: " + fresh.instructions().keySet());
    }

    @Test
    void movingMainBackAndDeletingTheStatusBranchDoesNotStartOver() throws Exception {
        FleetRepos repos = FleetRepos.create(tmp.resolve("served"));
        GitCli bare = new GitCli(repos.bare);
        String m0 = repos.work.run("rev-parse", "main");
        String m1 = repos.mergeChange("pause", "upgrades/os-1-35.yaml",
                repos.read("upgrades/os-1-35.yaml").replace("paused: false", "paused: true"));
        Reports.seed(repos.bare, T0);
        Path data = tmp.resolve("data");

        PassResult first = pass(repos.bare, data, null, T0.plusSeconds(1));
        assertFalse(first.stalled(), first.failures().toString());
        assertTrue(first.instructions().isEmpty(), "paused: nothing starts");
        assertEquals(m1, first.status().status().approvedCommit());

        // the attacker moves main back to before the pause and deletes the status branch (its record of m1)
        bare.run("update-ref", "refs/heads/main", m0);
        bare.run("update-ref", "-d", "refs/heads/" + StatusStore.DEFAULT_BRANCH);
        Reports.seed(repos.bare, T0.plusSeconds(60));
        PassResult held = pass(repos.bare, data, null, T0.plusSeconds(61));
        assertTrue(held.stalled(), conditions(held));
        FleetStatus.Condition rewritten = condition(held, "HistoryRewritten");
        assertNotNull(rewritten, conditions(held));
        assertTrue(rewritten.message().contains(m0) && rewritten.message().contains(m1), rewritten.message());
        assertNotNull(condition(held, "StatusRewound"), conditions(held));
        assertTrue(held.instructions().isEmpty(), "the old upgrade does not run again: " + held.instructions());
        assertEquals(m1, held.status().status().approvedCommit());

        PassResult accepted = pass(repos.bare, data, m0, T0.plusSeconds(62));
        assertFalse(accepted.stalled(), conditions(accepted));
        assertEquals(Set.of("worker-1"), accepted.instructions().keySet(), "an operator's acceptance: it runs");
        PassResult next = pass(repos.bare, data, null, T0.plusSeconds(63));
        assertFalse(next.stalled(), "accepted once is enough: " + conditions(next));
    }

    @Test
    void aStatusBranchRewoundBySomeoneElseIsNamedAndHoldsNewStarts() throws Exception {
        FleetRepos repos = FleetRepos.create(tmp.resolve("served"));
        GitCli bare = new GitCli(repos.bare);
        Reports.seed(repos.bare, T0);
        String seeded = bare.run("rev-parse", StatusStore.DEFAULT_BRANCH);
        Path data = tmp.resolve("data");

        PassResult first = pass(repos.bare, data, null, T0.plusSeconds(1));
        assertEquals(Set.of("worker-1"), first.instructions().keySet(), "the canary starts");
        PassResult second = pass(repos.bare, data, null, T0.plusSeconds(2));
        assertFalse(second.stalled(), conditions(second));

        bare.run("update-ref", "refs/heads/" + StatusStore.DEFAULT_BRANCH, seeded);
        PassResult rewound = pass(repos.bare, data, null, T0.plusSeconds(3));
        FleetStatus.Condition c = condition(rewound, "StatusRewound");
        assertNotNull(c, conditions(rewound));
        assertEquals(FleetStatus.ConditionType.Stalled, c.type());
        assertTrue(c.message().contains(seeded) && c.message().contains("does not descend"), c.message());
        assertTrue(rewound.instructions().isEmpty(), "no new start on a rewound status: " + rewound.instructions());

        PassResult still = pass(repos.bare, data, null, T0.plusSeconds(4));
        assertNotNull(condition(still, "StatusRewound"), "until accepted: " + conditions(still));
        String head = repos.work.run("rev-parse", "main");
        PassResult accepted = pass(repos.bare, data, head, T0.plusSeconds(5));
        assertFalse(accepted.stalled(), conditions(accepted));
        assertFalse(pass(repos.bare, data, null, T0.plusSeconds(6)).stalled());
    }

    /**
     * The reconciler's own status commit whose push failed while the Git server was away is not the remote's history:
     * once the server is back, its head (which never had that commit) is no rewrite (found by the fault campaign).
     */
    @Test
    void aStatusPushThatFailedWhileTheServerWasAwayIsNoRewrite() throws Exception {
        FleetRepos repos = FleetRepos.create(tmp.resolve("served"));
        Reports.seed(repos.bare, T0);
        Path data = tmp.resolve("data");
        Path away = tmp.resolve("away.git");

        PassResult first = pass(repos.bare, data, null, T0.plusSeconds(1));
        assertFalse(first.stalled(), conditions(first));
        Files.move(repos.bare, away);
        // both passes commit their status locally; neither push reaches the server
        PassResult cut = pass(repos.bare, data, null, T0.plusSeconds(2));
        assertFalse(cut.completed(), "the status could not be pushed: " + cut.failures());
        pass(repos.bare, data, null, T0.plusSeconds(3));
        Files.move(away, repos.bare);

        PassResult back = pass(repos.bare, data, null, T0.plusSeconds(4));
        assertFalse(back.stalled(), "the server's own head is no rewrite: " + conditions(back));
        assertTrue(back.completed(), back.failures().toString());
    }
}
