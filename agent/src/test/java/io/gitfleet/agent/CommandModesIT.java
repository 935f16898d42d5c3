package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.agent.boot.FileBootloader;
import io.gitfleet.agent.testing.FakeReconciler;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.Upgrade;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The command installer's modes, its way of asking for a reboot, the whole payload as JSON, and its rollback
 * command, with a shell script standing in for nixos-rebuild / rpm-ostree.
 */
class CommandModesIT {
    static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    FakeReconciler reconciler;
    Agent agent;
    Thread thread;
    Path events;

    @BeforeEach
    void setUp() throws Exception {
        reconciler = new FakeReconciler("t0ken");
        Files.writeString(dir.resolve("token"), "t0ken");
        events = dir.resolve("events.log");
        Path script = dir.resolve("fake-rebuild");
        Files.writeString(script, String.join("\n", "#!/bin/sh",
                "echo \"args: $*\" >> " + events,
                "echo \"mode: $GITFLEET_MODE\" >> " + events,
                "cat > " + dir.resolve("stdin.json"),
                "cp \"$GITFLEET_PAYLOAD\" " + dir.resolve("file.json"),
                "case \"$*\" in",
                "  *reboot-by-exit*) echo 'activation needs a new kernel'; exit 100;;",
                "  *reboot-by-file*) touch \"$GITFLEET_REBOOT_REQUIRED\";;",
                "  *broken*) echo 'error: no such generation'; exit 1;;",
                "esac", ""));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            agent.stop();
            thread.join(10_000);
        }
        reconciler.close();
        assertEquals(List.of(), reconciler.problems());
    }

    void start(String commandYaml, String hooksYaml) throws Exception {
        Path cfg = dir.resolve("agent.yaml");
        Files.writeString(cfg, String.join("\n",
                "server: " + reconciler.url(), "node: node-1", "tokenFile: " + dir.resolve("token"),
                "stateDir: " + dir.resolve("state"), "installer: command",
                "bootloader: {type: file, path: " + dir.resolve("boot.json") + "}",
                "command: " + commandYaml, hooksYaml,
                "poll: {longPoll: 1s, progressInterval: 100ms, backoffMin: 10ms, backoffMax: 100ms}", ""));
        AgentConfig config = AgentConfig.load(cfg);
        agent = new Agent(config, NodeSetup.fromConfig(config), new ReconcilerClient(HttpClient.newHttpClient(),
                config.server(), "node-1", dir.resolve("token")), Clock.systemUTC(),
                d -> Thread.sleep(Math.min(20, d.toMillis())), new Random(1), t -> { });
        thread = new Thread(() -> {
            try {
                agent.run();
            } catch (Exception e) {
                // stopped
            }
        });
        thread.start();
    }

    String argv(String... rest) {
        return "[" + dir.resolve("fake-rebuild") + ", " + String.join(", ", rest) + "]";
    }

    static Instruction install(String flakeRef, Upgrade.InstallOptions options) {
        return Instruction.of("node-1", new Instruction.Spec("nixos-24", 1, null, Action.INSTALL, "os", "v24.11.0",
                "0123456789abcdef0123456789abcdef01234567", new Instruction.ImageRef("https://cache.example/unused",
                "a".repeat(64), 1, Map.of("flakeRef", flakeRef, "packages", List.of("linux-6.6.30", "kubelet-1.30.2"),
                "options", Map.of("hardened", true))), options, false));
    }

    static Instruction rollback() {
        return Instruction.of("node-1", new Instruction.Spec("nixos-24", 2, null, Action.ROLLBACK, "os", "v24.05.0",
                "0123456789abcdef0123456789abcdef01234567", null, null, false));
    }

    long boots() throws Exception {
        return new FileBootloader(dir.resolve("boot.json")).load().boots();
    }

    @Test
    void theModeAndTheWholePayloadReachTheCommand() throws Exception {
        start("{argv: " + argv("'{mode}'", "--flake", "'{flakeRef}#{node}'") + ", mode: test}", "");
        reconciler.instruct(install("github:org/fleet", null));
        reconciler.awaitPhase(NodePhase.Completed, T);
        assertEquals(List.of("args: test --flake github:org/fleet#node-1", "mode: test"), Files.readAllLines(events));
        JsonNode stdin = Documents.MAPPER.readTree(Files.readAllBytes(dir.resolve("stdin.json")));
        JsonNode file = Documents.MAPPER.readTree(Files.readAllBytes(dir.resolve("file.json")));
        assertEquals(stdin, file, "the same document on stdin and in $GITFLEET_PAYLOAD");
        assertEquals("kubelet-1.30.2", stdin.get("payload").get("packages").get(1).asString());
        assertTrue(stdin.get("payload").get("options").get("hardened").asBoolean());
        assertEquals("v24.11.0", stdin.get("version").asString());
        assertEquals("test", stdin.get("mode").asString());
        assertEquals("install", stdin.get("action").asString());
        assertEquals(1, boots(), "mode test never reboots");
    }

    @Test
    void exitCode100AsksForAReboot() throws Exception {
        start("{argv: " + argv("'{mode}'", "'{flakeRef}'") + "}", "");
        reconciler.instruct(install("reboot-by-exit", null));
        Report done = reconciler.awaitPhase(NodePhase.Completed, T);
        assertEquals(2, boots());
        assertEquals(List.of(NodePhase.Instructed, NodePhase.Writing, NodePhase.Rebooting, NodePhase.Completed),
                reconciler.phases());
        assertEquals("v24.11.0", done.status().components().get("os"));
    }

    @Test
    void theRebootFileAsksForAReboot() throws Exception {
        start("{argv: " + argv("'{flakeRef}'") + "}", "");
        reconciler.instruct(install("reboot-by-file", null));
        reconciler.awaitPhase(NodePhase.Completed, T);
        assertEquals(2, boots());
        assertFalse(Files.exists(dir.resolve("state").resolve(io.gitfleet.agent.state.handlers.CommandRun.REBOOT_FILE)), "cleared for the next run");
    }

    @Test
    void aCommandThatAsksNothingDoesNotReboot() throws Exception {
        start("{argv: " + argv("'{flakeRef}'") + "}", "");
        reconciler.instruct(install("github:org/fleet", null));
        reconciler.awaitPhase(NodePhase.Completed, T);
        assertEquals(1, boots());
    }

    @Test
    void modeBootAlwaysReboots() throws Exception {
        start("{argv: " + argv("'{mode}'", "'{flakeRef}'") + ", mode: boot}", "");
        reconciler.instruct(install("github:org/fleet", null));
        reconciler.awaitPhase(NodePhase.Completed, T);
        assertEquals(List.of("args: boot github:org/fleet", "mode: boot"), Files.readAllLines(events));
        assertEquals(2, boots());
    }

    @Test
    void theRollbackCommandUndoesAndTheDrainComesFirst() throws Exception {
        start("{argv: " + argv("'{mode}'", "'{flakeRef}'") + ", rollback: " + argv("'{mode}'", "--rollback") + "}",
                String.join("\n", "hooks:",
                        "  drain: 'echo drain >> " + events + "'",
                        "  uncordon: 'echo uncordon >> " + events + "'"));
        reconciler.instruct(install("github:org/fleet", null));
        Report installed = reconciler.awaitPhase(NodePhase.Completed, T);
        assertEquals(new Report.Capabilities(false, true), installed.status().capabilities());
        reconciler.instruct(rollback());
        Report back = reconciler.awaitPhase(NodePhase.RolledBack, T);
        assertEquals(List.of("drain", "args: switch github:org/fleet", "mode: switch", "uncordon",
                "drain", "args: switch --rollback", "mode: switch", "uncordon"), Files.readAllLines(events));
        assertFalse(back.status().components().containsKey("os"),
                "after a rollback the agent does not claim a version it cannot know");
    }

    @Test
    void aFailedRollbackCommandFailsWithItsOutput() throws Exception {
        start("{argv: " + argv("'{flakeRef}'") + ", rollback: " + argv("broken") + "}", "");
        reconciler.instruct(rollback());
        Report failed = reconciler.awaitPhase(NodePhase.Failed, T);
        assertEquals("the rollback command exited with 1: error: no such generation",
                failed.status().task().failureReason());
    }

    @Test
    void withoutARollbackCommandARollbackIsRefused() throws Exception {
        start("{argv: " + argv("'{flakeRef}'") + "}", "");
        reconciler.instruct(rollback());
        Report failed = reconciler.awaitPhase(NodePhase.Failed, T);
        assertEquals("rollback needs A/B slots or command.rollback in the agent config; this node's command "
                + "installer has no rollback command", failed.status().task().failureReason());
        assertEquals(new Report.Capabilities(false, false), failed.status().capabilities());
        assertFalse(Files.exists(events));
    }

    @Test
    void aMissingPlaceholderFailsBeforeTheDrain() throws Exception {
        start("{argv: " + argv("'{flakeRev}'") + "}", String.join("\n", "hooks:",
                "  drain: 'echo drain >> " + events + "'", "  uncordon: 'echo uncordon >> " + events + "'"));
        reconciler.instruct(install("github:org/fleet", null));
        Report failed = reconciler.awaitPhase(NodePhase.Failed, T);
        assertEquals("the install command needs {flakeRev} but the image payload and the instruction have no such "
                + "text value", failed.status().task().failureReason());
        assertFalse(Files.exists(events), "nothing drained, nothing run");
    }

    @Test
    void aListCannotFillAPlaceholder() throws Exception {
        start("{argv: " + argv("'{packages}'") + "}", "");
        reconciler.instruct(install("github:org/fleet", null));
        Report failed = reconciler.awaitPhase(NodePhase.Failed, T);
        assertEquals("{packages} is a list in the image payload; a placeholder takes text only: the command reads the "
                + "whole payload as JSON from its stdin or from the file $GITFLEET_PAYLOAD",
                failed.status().task().failureReason());
    }

    @Test
    void stagingWithoutSwitchingIsRefusedByTheCommandInstaller() throws Exception {
        start("{argv: " + argv("'{flakeRef}'") + "}", "");
        reconciler.instruct(install("github:org/fleet", new Upgrade.InstallOptions(false, false)));
        Report failed = reconciler.awaitPhase(NodePhase.Failed, T);
        assertEquals("the command installer cannot stage without switching (install.upgradeActive: false): its "
                + "command installs and activates at once", failed.status().task().failureReason());
        assertFalse(Files.exists(events));
    }
}
