package io.gitfleet.reconciler.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.approval.ApprovalCheck;
import io.gitfleet.approval.ApprovalVerdict;
import io.gitfleet.approval.SignatureCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commits signed with {@code git commit -S} and {@code gpg.format=ssh}, keys made with ssh-keygen. */
class SignedCommitsIT {
    @TempDir
    Path tmp;

    private GitCli git;
    private Path alice;
    private Path mallory;

    @BeforeEach
    void keysAndRepo() throws Exception {
        alice = key("alice");
        mallory = key("mallory");
        Path work = tmp.resolve("work");
        Files.createDirectories(work);
        git = new GitCli(work);
        git.run("init", "-q", "-b", "main");
        FleetRepos.copyTree(FleetRepos.exampleFleet(), work);
    }

    private Path key(String name) throws Exception {
        Path k = tmp.resolve(name);
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", k.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, p.waitFor());
        return k;
    }

    private String signers(Path... keys) throws Exception {
        StringBuilder b = new StringBuilder("# allowed signers\n");
        for (Path k : keys) {
            String name = k.getFileName().toString();
            b.append(name).append("@example.org ").append(Files.readString(Path.of(k + ".pub")).strip()).append('\n');
        }
        return b.toString();
    }

    /** Commits everything in the work tree, signed with {@code key} (null: unsigned), as that key's person. */
    private String commit(Path key, String message, String... extra) {
        GitCli as = key == null ? git : git.withEnv(Map.of(
                "GIT_COMMITTER_EMAIL", key.getFileName() + "@example.org",
                "GIT_AUTHOR_EMAIL", key.getFileName() + "@example.org"));
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("-c", "gpg.format=ssh"));
        if (key != null) {
            args.addAll(java.util.List.of("-c", "user.signingkey=" + key));
        }
        args.addAll(java.util.List.of("commit", "-q", "--allow-empty", "-m", message));
        if (key != null) {
            args.add("-S");
        }
        args.addAll(java.util.List.of(extra));
        as.run("add", "-A");
        as.run(args.toArray(String[]::new));
        return git.run("rev-parse", "HEAD");
    }

    private void policy(String mode) throws Exception {
        Path fleet = git.dir().resolve("fleet.yaml");
        Files.writeString(fleet, Files.readString(fleet).replace("signedCommits: none", "signedCommits: " + mode));
    }

    private String base(String mode, Path... allowed) throws Exception {
        policy(mode);
        Files.writeString(git.dir().resolve(".gitfleet/allowed_signers"), signers(allowed));
        return commit(alice, "Fleet with signed approvals");
    }

    private ApprovalVerdict check(String last, String head) throws Exception {
        try (Repository repo = new FileRepositoryBuilder().setGitDir(git.dir().resolve(".git").toFile()).build()) {
            return new ApprovalCheck(repo, new SignatureCheck(repo, tmp.resolve("keys")))
                    .check(last == null ? null : ObjectId.fromString(last), ObjectId.fromString(head), null);
        }
    }

    private void touch(String name) throws Exception {
        Files.writeString(git.dir().resolve("README-" + name), name + "\n");
    }

    @Test
    void signedMergesAreAcceptedUnderFirstParent() throws Exception {
        String c0 = base("first-parent", alice);
        assertInstanceOf(ApprovalVerdict.Accepted.class, check(null, c0), "first use: signed by a key it lists");
        git.run("checkout", "-q", "-b", "feature");
        touch("feature");
        commit(null, "Unsigned work on a branch");
        git.run("checkout", "-q", "main");
        GitCli asAlice = git.withEnv(Map.of("GIT_COMMITTER_EMAIL", "alice@example.org"));
        asAlice.run("-c", "gpg.format=ssh", "-c", "user.signingkey=" + alice, "merge", "-q", "--no-ff", "-S",
                "-m", "Merge feature", "feature");
        String head = git.run("rev-parse", "HEAD");
        ApprovalVerdict v = check(c0, head);
        assertEquals(new ApprovalVerdict.Accepted(ObjectId.fromString(head), 1), v);
    }

    @Test
    void underAllAnUnsignedBranchCommitIsRefusedByName() throws Exception {
        String c0 = base("all", alice);
        git.run("checkout", "-q", "-b", "feature");
        touch("feature");
        String unsigned = commit(null, "Unsigned work on a branch");
        git.run("checkout", "-q", "main");
        git.withEnv(Map.of("GIT_COMMITTER_EMAIL", "alice@example.org")).run("-c", "gpg.format=ssh", "-c",
                "user.signingkey=" + alice, "merge", "-q", "--no-ff", "-S", "-m", "Merge feature", "feature");
        ApprovalVerdict.Refused r = assertInstanceOf(ApprovalVerdict.Refused.class,
                check(c0, git.run("rev-parse", "HEAD")));
        assertEquals(unsigned, r.commit().name());
        assertTrue(r.message().contains(unsigned) && r.message().contains("is not signed"), r.message());
        assertEquals(c0, r.approved().name());
    }

    @Test
    void anUnsignedCommitInTheMiddleStopsTheRangeThere() throws Exception {
        String c0 = base("first-parent", alice);
        touch("a");
        String a = commit(alice, "A");
        touch("b");
        String b = commit(null, "B, unsigned");
        touch("c");
        String c = commit(alice, "C");
        ApprovalVerdict.Refused r = assertInstanceOf(ApprovalVerdict.Refused.class, check(c0, c));
        assertEquals(b, r.commit().name());
        assertEquals(a, r.approved().name(), "the approvals before it still count");
        assertTrue(r.why().contains("is not signed"), r.why());
    }

    @Test
    void aKeyThatIsNotListedIsRefused() throws Exception {
        String c0 = base("first-parent", alice);
        touch("m");
        String m = commit(mallory, "Signed by a stranger");
        ApprovalVerdict.Refused r = assertInstanceOf(ApprovalVerdict.Refused.class, check(c0, m));
        assertEquals(m, r.commit().name());
        assertTrue(r.why().contains("not allowed"), r.why());
    }

    @Test
    void aNewcomerCannotAddThemselvesButAnAllowedSignerCanAddThem() throws Exception {
        String c0 = base("first-parent", alice);
        Path file = git.dir().resolve(".gitfleet/allowed_signers");
        Files.writeString(file, signers(alice, mallory));
        String self = commit(mallory, "Mallory adds Mallory");
        ApprovalVerdict.Refused r = assertInstanceOf(ApprovalVerdict.Refused.class, check(c0, self));
        assertEquals(self, r.commit().name());

        git.run("reset", "-q", "--hard", c0);
        Files.writeString(file, signers(alice, mallory));
        String added = commit(alice, "Alice adds Mallory");
        touch("m");
        String byMallory = commit(mallory, "Mallory's first approval");
        assertEquals(new ApprovalVerdict.Accepted(ObjectId.fromString(byMallory), 2), check(c0, byMallory));
        assertEquals(added, git.run("rev-parse", "HEAD~1"));
    }

    @Test
    void aMalformedAllowedSignersLineIsLeftOutAndNamedButDoesNotStallApprovals() throws Exception {
        String c0 = base("first-parent", alice);
        Path file = git.dir().resolve(".gitfleet/allowed_signers");
        Files.writeString(file, "bob@example.org ssh-ed25519 not-base64!!\n" + signers(alice)
                + "carol@example.org namespaces=\"git\n");
        String edited = commit(alice, "Alice's file gets two broken lines");
        touch("a");
        String a = commit(alice, "A, signed by Alice");
        assertEquals(new ApprovalVerdict.Accepted(ObjectId.fromString(a), 2), check(c0, a),
                "Alice's well-formed line still approves");
        touch("m");
        String m = commit(mallory, "Signed by a stranger");
        ApprovalVerdict.Refused r = assertInstanceOf(ApprovalVerdict.Refused.class, check(a, m));
        assertTrue(r.why().endsWith("the allowed-signers file has 2 malformed lines, left out (line 1: the "
                + "ssh-ed25519 key is not valid base64; gitfleet validate lists them)"), r.why());
        assertEquals(edited, git.run("rev-parse", "HEAD~2"));
    }
}
