package io.gitfleet.reconciler.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code git} binary, isolated from the user's and the system's configuration. */
public final class GitCli {
    private final Path dir;
    private final Map<String, String> env;

    public GitCli(Path dir) {
        this(dir, Map.of());
    }

    public GitCli(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.env = env;
    }

    public Path dir() {
        return dir;
    }

    public GitCli withEnv(Map<String, String> more) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putAll(more);
        return new GitCli(dir, all);
    }

    /** Runs {@code git ARGS}; fails the test with git's output unless it exits 0. Returns stdout, trimmed. */
    public String run(String... args) {
        Result r = tryRun(null, args);
        if (r.exit != 0) {
            throw new AssertionError("git " + String.join(" ", args) + " exited " + r.exit + ":\n" + r.out + r.err);
        }
        return r.out.strip();
    }

    public String runWithInput(String input, String... args) {
        Result r = tryRun(input, args);
        if (r.exit != 0) {
            throw new AssertionError("git " + String.join(" ", args) + " exited " + r.exit + ":\n" + r.out + r.err);
        }
        return r.out.strip();
    }

    public Result tryRun(String input, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Map<String, String> e = pb.environment();
        e.put("GIT_CONFIG_NOSYSTEM", "1");
        e.put("GIT_CONFIG_GLOBAL", "/dev/null");
        e.put("GIT_AUTHOR_NAME", "Alice Operator");
        e.put("GIT_AUTHOR_EMAIL", "alice@example.org");
        e.put("GIT_COMMITTER_NAME", "Alice Operator");
        e.put("GIT_COMMITTER_EMAIL", "alice@example.org");
        e.putAll(env);
        try {
            Process p = pb.start();
            if (input != null) {
                p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            var out = new java.util.concurrent.CompletableFuture<String>();
            Thread t = new Thread(() -> {
                try {
                    out.complete(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException x) {
                    out.completeExceptionally(x);
                }
            });
            t.start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("git " + String.join(" ", args) + " timed out");
            }
            return new Result(p.exitValue(), out.get(), err);
        } catch (Exception x) {
            throw new AssertionError("cannot run git " + String.join(" ", args), x);
        }
    }

    public record Result(int exit, String out, String err) {
    }
}
