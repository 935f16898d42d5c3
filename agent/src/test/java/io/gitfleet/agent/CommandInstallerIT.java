package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.agent.testing.FakeReconciler;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
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

/** The command installer (NixOS, rpm-ostree, Kairos style): argv from the payload, timeout, output tail. */
class CommandInstallerIT {
    static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    FakeReconciler reconciler;
    Agent agent;
    Thread thread;

    @BeforeEach
    void setUp() throws Exception {
        reconciler = new FakeReconciler("t0ken");
        Files.writeString(dir.resolve("token"), "t0ken");
        // Stands in for nixos-rebuild: prints its arguments, fails when asked to, can hang.
        Path script = dir.resolve("fake-rebuild");
        Files.writeString(script, String.join("\n", "#!/bin/sh",
                "for i in $(seq 1 300); do echo \"building derivation $i\"; done",
                "echo \"args: $*\"",
                "echo \"$*\" > " + dir.resolve("ran"),
                "case \"$3\" in bad*) echo 'error: flake has no nixosConfigurations.node-1' >&2; exit 4;; "
                        + "hang*) sleep 30;; slow*) sleep 1;; esac", ""));
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

    void start(boolean reboot) throws Exception {
        Path cfg = dir.resolve("agent.yaml");
        Files.writeString(cfg, String.join("\n",
                "server: " + reconciler.url(), "node: node-1", "tokenFile: " + dir.resolve("token"),
                "stateDir: " + dir.resolve("state"), "installer: command",
                "bootloader: {type: file, path: " + dir.resolve("boot.json") + "}",
                "command: {argv: [" + dir.resolve("fake-rebuild") + ", switch, --flake, '{flakeRef}#{node}', --rev, "
                        + "'{flakeRev}'], timeout: 2s, reboot: " + reboot + "}",
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

    static Instruction nixos(String flakeRef, String rev) {
        return Instruction.of("node-1", new Instruction.Spec("nixos-24", 1, null, Action.INSTALL, "os", "v24.11.0",
                "0123456789abcdef0123456789abcdef01234567", new Instruction.ImageRef("https://cache.example/unused",
                "a".repeat(64), 1, Map.of("flakeRef", flakeRef, "flakeRev", rev)), null, false));
    }

    @Test
    void runsTheCommandWithThePayloadAndCompletes() throws Exception {
        start(false);
        reconciler.instruct(nixos("github:org/fleet", "4f2a9c1"));
        Report done = reconciler.awaitPhase(NodePhase.Completed, T);
        assertEquals("switch --flake github:org/fleet#node-1 --rev 4f2a9c1",
                Files.readString(dir.resolve("ran")).strip());
        assertEquals("v24.11.0", done.status().components().get("os"));
        assertEquals(List.of(NodePhase.Instructed, NodePhase.Writing, NodePhase.Rebooting, NodePhase.Completed),
                reconciler.phases());
    }

    @Test
    void aFailingCommandReportsTheTailOfItsOutput() throws Exception {
        start(false);
        reconciler.instruct(nixos("bad:flake", "1"));
        Report failed = reconciler.awaitPhase(NodePhase.Failed, T);
        String reason = failed.status().task().failureReason();
        assertTrue(reason.startsWith("the install command exited with 4: …"), reason);
        assertTrue(reason.contains("building derivation 300\nargs: switch --flake bad:flake#node-1 --rev 1\n"), reason);
        assertTrue(reason.endsWith("error: flake has no nixosConfigurations.node-1"), reason);
        assertTrue(reason.length() <= 1024, "clipped to the schema's limit");
    }

    @Test
    void aHangingCommandIsKilledAtItsTimeout() throws Exception {
        start(false);
        reconciler.instruct(nixos("hang:forever", "1"));
        Report failed = reconciler.awaitPhase(NodePhase.Failed, T);
        assertTrue(failed.status().task().failureReason().startsWith("the install command timed out"),
                failed.status().task().failureReason());
    }

    @Test
    void aMissingPayloadValueIsRefusedBeforeRunningAnything() throws Exception {
        start(false);
        reconciler.instruct(Instruction.of("node-1", new Instruction.Spec("nixos-24", 1, null, Action.INSTALL, "os",
                "v24.11.0", "0123456789abcdef0123456789abcdef01234567", new Instruction.ImageRef("https://x.example/",
                "a".repeat(64), 1, Map.of("flakeRef", "github:org/fleet")), null, false)));
        Report failed = reconciler.awaitPhase(NodePhase.Failed, T);
        assertEquals("the install command needs {flakeRev} but the image payload and the instruction have no such "
                + "text value", failed.status().task().failureReason());
        assertTrue(Files.notExists(dir.resolve("ran")));
    }

    @Test
    void withRebootItCompletesAfterTheBoot() throws Exception {
        start(true);
        reconciler.instruct(nixos("github:org/fleet", "4f2a9c1"));
        reconciler.awaitPhase(NodePhase.Completed, T);
        assertEquals(2, new io.gitfleet.agent.boot.FileBootloader(dir.resolve("boot.json")).load().boots());
    }

    @Test
    void aLongCommandKeepsReporting() throws Exception {
        start(false);
        reconciler.instruct(nixos("slow:flake", "2"));
        reconciler.awaitPhase(NodePhase.Completed, T);
        long whileRunning = reconciler.reports().stream().filter(r -> r.status().task() != null
                && r.status().task().phase() == NodePhase.Writing).count();
        assertTrue(whileRunning >= 4, "reports while the 1 s command ran: " + whileRunning);
    }
}
