package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service's command line ({@code --config FILE}), which main() runs without picocli: the same answers. */
class AgentMainTest {
    @TempDir
    Path dir;

    final StringWriter err = new StringWriter();

    @Test
    void aMissingConfigIsBadInput() {
        Path missing = dir.resolve("agent.yaml");
        assertEquals(2, AgentMain.serve(missing.toString(), new PrintWriter(err, true)));
        assertEquals(missing + ": no such file", err.toString().strip());
        StringWriter viaPicocli = new StringWriter();
        assertEquals(2, AgentMain.run(new PrintWriter(new StringWriter()), new PrintWriter(viaPicocli, true),
                "--config", missing.toString()));
        assertEquals(err.toString(), viaPicocli.toString());
    }

    @Test
    void theServiceNeedsItsReconciler() throws Exception {
        Path config = Files.writeString(dir.resolve("agent.yaml"), "node: n1\nstateDir: " + dir.resolve("state")
                + "\ninstaller: command\ncommand: {argv: [true]}\n");
        assertEquals(2, AgentMain.serve(config.toString(), new PrintWriter(err, true)));
        assertEquals(config + ": server and tokenFile are required to talk to the reconciler", err.toString().strip());
    }
}
