package io.gitfleet.reconciler.cli;

import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.FleetReader;
import io.gitfleet.reconciler.git.IntentCommitCommand;
import io.gitfleet.reconciler.git.ManifestEdit;
import io.gitfleet.reconciler.git.ManifestEditException;
import io.gitfleet.reconciler.git.PushRefCommand;
import io.gitfleet.reconciler.store.RefResult;
import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.ReadResult;
import io.gitfleet.schema.Upgrade;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The intent verbs: each writes the matching change to {@code upgrades/NAME.yaml} at the approved branch's head
 * as a commit on a new branch {@code gitfleet/VERB-NAME[-NODE]-TIME}, ready for a pull request, and prints the
 * branch. Nothing acts on it until it is merged. {@code --push} pushes the branch to the remote.
 */
abstract class IntentCommand implements Callable<Integer> {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @Parameters(index = "0", paramLabel = "NAME", description = "the upgrade")
    String name;

    @Mixin
    RemoteOptions remote;

    @Option(names = "--branch", paramLabel = "BRANCH", defaultValue = "main", description = "the approved branch")
    String approved;

    @Option(names = "--push", description = "push the new branch to the remote")
    boolean push;

    @Spec
    CommandSpec spec;

    abstract String verb();

    /** The edited manifest, or null to delete it. */
    abstract String edit(String manifest, String nonce);

    /** What the edited manifest must say, checked after the textual edit. */
    abstract Predicate<Upgrade.Spec> expected();

    String node() {
        return null;
    }

    @Override
    public Integer call() throws Exception {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        Path local = remote.localRepo();
        FleetMirror mirror = local == null ? remote.mirror() : null;
        try (Repository repo = local != null
                ? new FileRepositoryBuilder().setGitDir(local.toFile()).setMustExist(true).build()
                : mirror.repository()) {
            ObjectId head;
            if (mirror != null) {
                mirror.fetch();
                head = mirror.branchHead(approved);
            } else {
                head = repo.resolve(Constants.R_HEADS + approved);
            }
            if (head == null) {
                throw new UsageException("the repo has no branch " + approved);
            }
            String path = "upgrades/" + name + ".yaml";
            byte[] before = FleetReader.file(repo, head, path).orElseThrow(() ->
                    new UsageException("no upgrade named " + name + " (" + path + ") on " + approved));
            if (node() != null) {
                requireSelected(repo, head, path, before);
            }
            String edited;
            try {
                edited = edit(new String(before, StandardCharsets.UTF_8), now.format(STAMP));
            } catch (ManifestEditException e) {
                throw new UsageException(path + ": " + e.getMessage());
            }
            byte[] after = edited == null ? null : edited.getBytes(StandardCharsets.UTF_8);
            if (after != null) {
                ReadResult<Upgrade> check = DocumentReader.read(path, after, Upgrade.class, name);
                if (!check.ok() || !expected().test(check.document().spec())) {
                    throw new IllegalStateException(path + ": the edit did not give the expected manifest "
                            + check.problems() + "; edit it by hand");
                }
                if (java.util.Arrays.equals(before, after)) {
                    spec.commandLine().getErr().println(path + " already says so; nothing to commit");
                    return 0;
                }
            }
            String branch = "gitfleet/" + verb() + "-" + name + (node() == null ? "" : "-" + node()) + "-"
                    + now.format(STAMP);
            ObjectId commit = new IntentCommitCommand(repo).setBase(head).setFile(path, after).setBranch(branch)
                    .setMessage(verb() + " " + name + (node() == null ? "" : " " + node()) + "\n\nWritten by "
                            + "gitfleet " + verb() + ": " + describe() + ".\n")
                    .setIdent(new PersonIdent(repo)).call();
            if (push) {
                pushBranch(repo, mirror, branch, commit);
            }
            spec.commandLine().getOut().println(branch);
            nextStep(repo, mirror, branch);
            return 0;
        } finally {
            if (mirror != null) {
                mirror.close();
            }
        }
    }

    /** A retry names a node the upgrade selects: anything else is bad input (exit 2), not a commit. */
    private void requireSelected(Repository repo, ObjectId head, String path, byte[] manifest) throws Exception {
        ReadResult<Upgrade> upgrade = DocumentReader.read(path, manifest, Upgrade.class, name);
        if (!upgrade.ok()) {
            return; // the edit's own check names the problem
        }
        String nodePath = "nodes/" + node() + ".yaml";
        byte[] nodeFile = FleetReader.file(repo, head, nodePath).orElseThrow(() -> new UsageException("no node named "
                + node() + " (" + nodePath + ") on " + approved));
        ReadResult<io.gitfleet.schema.Node> n = DocumentReader.read(nodePath, nodeFile, io.gitfleet.schema.Node.class,
                node());
        if (n.ok() && !io.gitfleet.reconciler.plan.Selectors.matches(upgrade.document().spec().selector(),
                n.document())) {
            throw new UsageException("node " + node() + " is not in upgrade " + name + ": its selector does not "
                    + "select it");
        }
    }

    /** What to do with the new branch: push it (unless pushed), then open a pull request, at a URL when known. */
    private void nextStep(Repository repo, FleetMirror mirror, String branch) {
        String url = mirror != null ? mirror.url() : repo.getConfig().getString("remote", "origin", "url");
        String compare = url == null ? null : ForgeUrls.compare(url, approved, branch);
        var err = spec.commandLine().getErr();
        if (!push) {
            err.println("next: git push origin " + branch + (mirror != null ? " (or run again with --push)" : ""));
        }
        err.println(compare != null ? "then open the pull request: " + compare
                : "then open a pull request from " + branch + " into " + approved);
    }

    private void pushBranch(Repository repo, FleetMirror mirror, String branch, ObjectId commit) throws Exception {
        String url = mirror != null ? mirror.url() : repo.getConfig().getString("remote", "origin", "url");
        if (url == null) {
            throw new UsageException("--push: " + remote.repo + " has no remote named origin");
        }
        RefResult r = new PushRefCommand(repo).setUrl(url).setAuth(remote.auth()).setBranch(branch)
                .setExpectedOld(null).setNewId(commit)
                .setProgress(remote.progress().monitor("push " + branch, null)).call();
        if (r != RefResult.COMMITTED) {
            throw new IllegalStateException("the remote already has a branch " + branch);
        }
    }

    abstract String describe();

    @Command(name = "pause", description = "Commit spec.paused: true on a new branch (no new node starts).")
    static final class Pause extends IntentCommand {
        String verb() { return "pause"; }
        String describe() { return "spec.paused: true"; }
        String edit(String m, String nonce) { return ManifestEdit.setSpecField(m, "paused", "true"); }
        Predicate<Upgrade.Spec> expected() { return Upgrade.Spec::paused; }
    }

    @Command(name = "resume", description = "Commit spec.paused: false on a new branch.")
    static final class Resume extends IntentCommand {
        String verb() { return "resume"; }
        String describe() { return "spec.paused: false"; }
        String edit(String m, String nonce) { return ManifestEdit.setSpecField(m, "paused", "false"); }
        Predicate<Upgrade.Spec> expected() { return s -> !s.paused(); }
    }

    @Command(name = "promote", description = "Commit spec.promoted: true on a new branch (continue after the canary).")
    static final class Promote extends IntentCommand {
        String verb() { return "promote"; }
        String describe() { return "spec.promoted: true"; }
        String edit(String m, String nonce) { return ManifestEdit.setSpecField(m, "promoted", "true"); }
        Predicate<Upgrade.Spec> expected() { return Upgrade.Spec::promoted; }
    }

    @Command(name = "rollback", description = "Commit spec.rollback: true on a new branch.")
    static final class Rollback extends IntentCommand {
        String verb() { return "rollback"; }
        String describe() { return "spec.rollback: true"; }
        String edit(String m, String nonce) { return ManifestEdit.setSpecField(m, "rollback", "true"); }
        Predicate<Upgrade.Spec> expected() { return Upgrade.Spec::rollback; }
    }

    @Command(name = "cancel", description = "Delete the manifest on a new branch (no new node starts).")
    static final class Cancel extends IntentCommand {
        String verb() { return "cancel"; }
        String describe() { return "the manifest is deleted"; }
        String edit(String m, String nonce) { return null; }
        Predicate<Upgrade.Spec> expected() { return s -> true; }
    }

    @Command(name = "retry", description = "Commit a fresh spec.retry.NODE nonce on a new branch (retry a failed node).")
    static final class Retry extends IntentCommand {
        @Parameters(index = "1", paramLabel = "NODE", description = "the failed node")
        String node;
        private String nonce;

        String verb() { return "retry"; }
        String node() { return node; }
        String describe() { return "spec.retry." + node + ": \"" + nonce + "\""; }
        String edit(String m, String nonce) {
            this.nonce = nonce;
            return ManifestEdit.setRetry(m, node, nonce);
        }
        Predicate<Upgrade.Spec> expected() { return s -> nonce.equals(s.retry().get(node)); }
    }
}
