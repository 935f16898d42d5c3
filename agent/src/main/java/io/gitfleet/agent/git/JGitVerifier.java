package io.gitfleet.agent.git;

import io.gitfleet.agent.GitVerifier;

import io.gitfleet.approval.ApprovalCheck;
import io.gitfleet.approval.ApprovalVerdict;
import io.gitfleet.approval.CommitFiles;
import io.gitfleet.approval.Freshness;
import io.gitfleet.approval.InstructionCheck;
import io.gitfleet.approval.SignatureCheck;
import io.gitfleet.schema.Fleet;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.LoadedFleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;

/**
 * {@link GitVerifier} on JGit. Loaded by the class path in the tests and a plain jar run; from the package it is
 * loaded with JGit and its libraries by their own class loader ({@link GitLibraries}), only when {@code verifyGit}
 * is set.
 */
public final class JGitVerifier implements GitVerifier {
    static final String APPROVED_REF = "refs/gitfleet/approved";
    /** Where agents before the one-vocabulary rename kept it: still read, so an upgraded agent keeps its ratchet. */
    static final String OLD_APPROVED_REF = "refs/gitfleet/accepted";

    private final String url;
    private final String branch;
    private final Path cache;
    private final PinnedCatalogFetch catalogs;
    private final Clock clock;
    private final Path keyDir;

    @Override
    public GitVerifier setTls(io.gitfleet.agent.install.AgentTls.Files tls) {
        catalogs.setTls(tls);
        return this;
    }

    /**
     * @param cache    the bare repository the branch is fetched into
     * @param stateDir where the key files for signature checks and the pinned catalogs are kept
     */
    public JGitVerifier(String url, String branch, Path cache, Path stateDir, Clock clock) {
        this.url = url;
        this.branch = branch;
        this.cache = cache;
        this.catalogs = new PinnedCatalogFetch(stateDir.resolve("catalogs"));
        this.clock = clock;
        this.keyDir = stateDir.resolve("keys");
    }

    @Override
    public Verdict check(String node, Instruction.Spec spec) {
        // JGit finds its signature verifiers and SSH support with service lookups through the thread's context
        // class loader: from the package, that must be the loader that holds JGit and its libraries.
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(JGitVerifier.class.getClassLoader());
        try {
            return checkHere(node, spec);
        } finally {
            thread.setContextClassLoader(context);
        }
    }

    private Verdict checkHere(String node, Instruction.Spec spec) {
        String commitId = spec.approvedCommit();
        if (commitId == null || !commitId.matches("[0-9a-f]{40}([0-9a-f]{24})?")) {
            return new Refused("not approved: '" + commitId + "' is not a full commit id");
        }
        try (Repository repo = open()) {
            String tracking = "refs/remotes/approved/" + branch;
            try (Git git = Git.wrap(repo)) {
                // bounded: a stalled remote must not hold the agent mid-task (the refusal says why)
                git.fetch().setRemote(url).setTimeout(60)
                        .setRefSpecs(new RefSpec("+refs/heads/" + branch + ":" + tracking)).call();
            }
            ObjectId tip = repo.resolve(tracking);
            if (tip == null) {
                return new Refused("cannot verify: " + url + " has no branch " + branch);
            }
            ObjectId last = repo.resolve(APPROVED_REF);
            if (last == null) {
                last = repo.resolve(OLD_APPROVED_REF);
            }
            ApprovalCheck approvals = new ApprovalCheck(repo, new SignatureCheck(repo, keyDir));
            ApprovalVerdict verdict = approvals.check(last, tip, null);
            if (verdict instanceof ApprovalVerdict.HistoryRewritten) {
                return new Refused("not approved: " + branch + " of " + url + " moved to " + tip.name()
                        + ", which does not descend from " + last.name() + ", the last approved commit this agent"
                        + " accepted");
            }
            ObjectId approved = verdict.approved();
            if (approved == null) {
                return new Refused("not approved: " + ((ApprovalVerdict.Refused) verdict).message());
            }
            remember(repo, last, approved);
            Fleet.Approval policy = approvals.policy(approved);
            Optional<String> stale = Freshness.stale(policy, approved.name(), approvals.committedAt(approved),
                    clock.instant());
            if (stale.isPresent()) {
                return new Refused("not approved: " + stale.get());
            }
            if (!onBranch(repo, ObjectId.fromString(commitId), approved)) {
                return new Refused("not approved: commit " + commitId + " is not on " + branch + " of " + url
                        + (approved.equals(tip) ? "" : " up to " + approved.name() + ", its newest approved commit"));
            }
            LoadedFleet fleet = CommitFiles.load(repo, approved);
            InstructionCheck.Result r = InstructionCheck.check(fleet, approved.name(), node, spec, catalogs::get);
            if (r instanceof InstructionCheck.Refused refused) {
                return new Refused(refused.reason());
            }
            return new Approved(approved.name(), ((InstructionCheck.Approved) r).upgrade().allowDowngrade());
        } catch (IOException | GitAPIException | RuntimeException e) {
            return new Refused("cannot verify against " + url + ": " + e.getMessage());
        }
    }

    private static boolean onBranch(Repository repo, ObjectId commit, ObjectId approved) throws IOException {
        if (!repo.getObjectDatabase().has(commit)) {
            return false;
        }
        try (RevWalk walk = new RevWalk(repo)) {
            return walk.isMergedInto(walk.parseCommit(commit), walk.parseCommit(approved));
        }
    }

    /** The chain is checked from here next time: a ref update is atomic (lock file, rename). */
    private static void remember(Repository repo, ObjectId last, ObjectId approved) throws IOException {
        if (approved.equals(last)) {
            return;
        }
        RefUpdate u = repo.updateRef(APPROVED_REF);
        u.setExpectedOldObjectId(last == null ? ObjectId.zeroId() : last);
        u.setNewObjectId(approved);
        u.setForceUpdate(true);
        RefUpdate.Result result = u.update();
        if (result != RefUpdate.Result.NEW && result != RefUpdate.Result.FORCED
                && result != RefUpdate.Result.FAST_FORWARD) {
            throw new IOException("cannot record the approved commit in " + APPROVED_REF + ": " + result);
        }
    }

    private Repository open() throws IOException {
        boolean fresh = !Files.exists(cache.resolve("HEAD"));
        Repository repo = new FileRepositoryBuilder().setGitDir(cache.toFile()).setBare().build();
        if (fresh) {
            repo.create(true);
        }
        return repo;
    }
}
