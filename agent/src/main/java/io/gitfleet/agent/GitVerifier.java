package io.gitfleet.agent;

import io.gitfleet.agent.git.GitLibraries;
import io.gitfleet.schema.Instruction;
import java.nio.file.Path;
import java.time.Clock;

/**
 * {@code verifyGit}: the agent does not have to trust the reconciler. It fetches the approved branch into a bare
 * cache in its state dir and runs the reconciler's own approval checks there: the signed-commit chain from the last
 * approved commit this agent verified (kept as a ref in the cache, so a restart does not forget it), the freshness
 * limit, and whether the fleet at the newest approved commit says what the instruction says for this node. An
 * instruction overtaken by a newer approval (a replay, a paused or deleted upgrade) is refused.
 *
 * <p>The agent's only JGit use is behind this interface. The package keeps JGit and its libraries off the class
 * path ({@code lib/git/}) and loads them only for an agent with {@code verifyGit}: otherwise every jar on the class
 * path is opened by the first service lookup (SnakeYAML's logger makes one), and their tables of contents cost an
 * idle agent 2.4 MiB of RSS.
 */
public interface GitVerifier {
    /** What the check decided: approved (with what the manifest allows), or the refusal sentence. */
    sealed interface Verdict {
    }

    record Approved(String commit, boolean allowDowngrade) implements Verdict {
    }

    record Refused(String reason) implements Verdict {
    }

    /** Checks {@code spec}, received by {@code node}, against the approved branch. */
    Verdict check(String node, Instruction.Spec spec);

    /** The agent's {@code tls} block, for pinned {@code url} catalogs on hosts with a private CA. */
    GitVerifier setTls(io.gitfleet.agent.install.AgentTls.Files tls);

    /**
     * @param url      the fleet repository
     * @param cache    the bare repository the branch is fetched into
     * @param stateDir where the key files for signature checks and the pinned catalogs are kept
     */
    static GitVerifier open(String url, String branch, Path cache, Path stateDir, Clock clock) {
        return GitLibraries.verifier(url, branch, cache, stateDir, clock);
    }
}
