package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** An install's plain command line skips picocli; everything else still goes through it. */
    @Test
    void aPlainInstallCommandLineIsParsedWithoutPicocli() {
        AgentMain.Install install = AgentMain.Install.plain("install", "--config", "/etc/a.yaml", "--image",
                "file:///i.zst", "--sha256", "ab", "--size", "42", "--version", "v2", "--force");
        assertNotNull(install);
        assertEquals(Path.of("/etc/a.yaml"), install.config);
        assertEquals("file:///i.zst", install.image);
        assertEquals("ab", install.sha256);
        assertEquals(42, install.size);
        assertEquals("v2", install.version);
        assertTrue(install.force);
        String[][] others = {
            {"install", "--config", "a", "--image", "i", "--sha256", "s"},                     // --size missing
            {"install", "--config", "a", "--image", "i", "--sha256", "s", "--size", "-1"},     // picocli's message
            {"install", "--config", "a", "--image", "i", "--sha256", "s", "--size", "1e3"},
            {"install", "--config=a", "--image", "i", "--sha256", "s", "--size", "1"},
            {"install", "--config", "a", "--config", "b", "--image", "i", "--sha256", "s", "--size", "1"},
            {"install", "--config", "a", "--image", "i", "--sha256", "s", "--size", "1", "--help"},
            {"install", "--config", "a", "--image", "i", "--sha256", "s", "--size", "1", "--version"},
            {"--config", "a", "--image", "i", "--sha256", "s", "--size", "1", "--version", "v"},
        };
        for (String[] args : others) {
            assertNull(AgentMain.Install.plain(args), String.join(" ", args));
        }
    }

    @Test
    void aBadPlainInstallAnswersAsPicocliDid() {
        Path missing = dir.resolve("agent.yaml");
        StringWriter out = new StringWriter();
        assertEquals(2, AgentMain.run(new PrintWriter(out), new PrintWriter(err, true), "install", "--config",
                missing.toString(), "--image", "file:///i.zst", "--sha256", "0".repeat(64), "--size", "1"));
        assertEquals(missing + ": no such file", err.toString().strip());
        assertEquals("", out.toString());
    }
}
