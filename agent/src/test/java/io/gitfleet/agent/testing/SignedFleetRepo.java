package io.gitfleet.agent.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A fleet repo for verifying agents: a bare repository and a work clone driven by the git binary, every commit
 * signed with an SSH key made by ssh-keygen ({@code gpg.format=ssh}), listed in the repo's allowed-signers file.
 * Commit dates can be set in the past ({@code GIT_COMMITTER_DATE}) to freeze the branch there.
 */
public final class SignedFleetRepo {
    public final Path bare;
    public final Path work;
    public final Path key;
    private Instant date;

    private SignedFleetRepo(Path bare, Path work, Path key) {
        this.bare = bare;
        this.work = work;
        this.key = key;
    }

    /** An empty repo with {@code fleet.yaml} (signed first-parent approvals, plus {@code approvalExtra}) and nodes. */
    public static SignedFleetRepo create(Path dir, String approvalExtra, String... nodes) throws Exception {
        Path bare = dir.resolve("fleet.git");
        Path work = dir.resolve("fleet-work");
        Path key = dir.resolve("ops");
        Files.createDirectories(dir);
        run(dir, Map.of(), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ops", "-f", key.toString());
        run(dir, Map.of(), "git", "init", "-q", "--bare", "-b", "main", bare.toString());
        run(dir, Map.of(), "git", "clone", "-q", bare.toString(), work.toString());
        SignedFleetRepo repo = new SignedFleetRepo(bare, work, key);
        repo.write(".gitfleet/allowed_signers", "ops@example.org " + Files.readString(Path.of(key + ".pub")).strip()
                + "\n");
        repo.write("fleet.yaml", """
                apiVersion: gitfleet.io/v1
                kind: Fleet
                metadata: {name: fleet}
                spec:
                  approval:
                    signedCommits: first-parent
                """ + (approvalExtra.isEmpty() ? "" : "    " + approvalExtra + "\n"));
        for (String node : nodes) {
            repo.write("nodes/" + node + ".yaml", """
                    apiVersion: gitfleet.io/v1
                    kind: Node
                    metadata: {name: %s}
                    spec: {role: worker, tokenSha256: %s}
                    """.formatted(node, "ab".repeat(32)));
        }
        return repo;
    }

    public String url() {
        return bare.toUri().toString();
    }

    public void write(String path, String text) throws IOException {
        Path file = work.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    public void delete(String path) throws IOException {
        Files.delete(work.resolve(path));
    }

    /** Later commits carry this committer (and author) date; null: now. */
    public void dated(Instant when) {
        date = when;
    }

    /** Commits everything, signed, and pushes it to {@code main}; returns the commit id. */
    public String approve(String message) throws Exception {
        return commit(message, true, "main");
    }

    /** Commits everything on the current branch, signed or not, and pushes it to {@code branch}. */
    public String commit(String message, boolean signed, String branch) throws Exception {
        git("add", "-A");
        List<String> args = new ArrayList<>(List.of("-c", "user.name=Ops", "-c", "user.email=ops@example.org",
                "-c", "gpg.format=ssh", "-c", "user.signingkey=" + key, "commit", "-q", "--allow-empty", "-m",
                message));
        if (signed) {
            args.add("-S");
        }
        git(args.toArray(String[]::new));
        git("push", "-q", "origin", "HEAD:" + branch);
        return git("rev-parse", "HEAD").strip();
    }

    public String git(String... args) throws Exception {
        Map<String, String> env = new HashMap<>();
        if (date != null) {
            env.put("GIT_COMMITTER_DATE", date.getEpochSecond() + " +0000");
            env.put("GIT_AUTHOR_DATE", date.getEpochSecond() + " +0000");
        }
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        return run(work, env, argv.toArray(String[]::new));
    }

    private static String run(Path cwd, Map<String, String> env, String... argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", argv) + ": " + out);
        }
        return out;
    }
}
