package io.gitfleet.agent.testing;

import io.gitfleet.agent.GitVerifier;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * A process that checks one instruction with verifyGit and prints the verdict, for a test that runs it as the package
 * does: without JGit on the class path (arguments: repository URL, commit, state folder, image sha256).
 */
public final class GitVerifierProbe {
    private GitVerifierProbe() {
    }

    public static void main(String[] args) {
        Path state = Path.of(args[2]);
        GitVerifier v = GitVerifier.open(args[0], "main", state.resolve("fleet.git"), state, Clock.systemUTC());
        Instruction.Spec spec = new Instruction.Spec("os-2", 1, null, Action.INSTALL, "os", "v2.0.0", args[1],
                new Instruction.ImageRef("https://images.example/os-v2.0.0.img.zst", args[3], 4096, Map.of()), null,
                false);
        System.out.println(v.check("node-1", spec));
    }
}
