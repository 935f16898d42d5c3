package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.agent.boot.FileBootloader;
import io.gitfleet.agent.state.AgentState;
import io.gitfleet.agent.state.StateStore;
import io.gitfleet.agent.testing.FakeReconciler;
import io.gitfleet.agent.testing.RootfsImage;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One agent, several components: the OS in A/B slots with an os-release probe, Kubernetes through a command
 * installer with a command probe, and firmware only reported from a file. Versions come from the machine.
 */
class ComponentsIT {
    static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    FakeReconciler reconciler;
    Agent agent;
    Thread thread;
    Path osRelease;
    Path kubeletVersion;
    Path bios;

    @BeforeEach
    void setUp() throws Exception {
        reconciler = new FakeReconciler("t0ken");
        Files.writeString(dir.resolve("token"), "t0ken");
        osRelease = dir.resolve("os-release");
        Files.writeString(osRelease, "NAME=\"Example OS\"\nIMAGE_VERSION=\"v1.34.1\"\n");
        kubeletVersion = dir.resolve("kubelet-version");
        Files.writeString(kubeletVersion, "v1.34.2\n");
        bios = dir.resolve("bios_version");
        // stands in for kubelet --version, and for an installer that replaces the kubelet
        Path kubelet = script("kubelet", "[ -f " + dir.resolve("hang") + " ] && sleep 60; echo \"Kubernetes $(cat "
                + kubeletVersion + ")\"");
        Path install = script("install-kubernetes", "echo \"installing kubernetes $1\"; echo \"$1\" > " + kubeletVersion);
        Path slotA = RootfsImage.partition(dir.resolve("slot-a.img"), 1 << 20, (byte) 0xAA);
        Path slotB = RootfsImage.partition(dir.resolve("slot-b.img"), 1 << 20, (byte) 0xBB);
        new FileBootloader(dir.resolve("boot.json")).load();
        new StateStore(dir.resolve("state")).save(AgentState.fresh().withSlotVersion("a", "v1.34.1"));
        Files.writeString(dir.resolve("agent.yaml"), String.join("\n",
                "server: " + reconciler.url(), "node: node-1", "tokenFile: " + dir.resolve("token"),
                "stateDir: " + dir.resolve("state"),
                "slots: {a: " + slotA + ", b: " + slotB + "}",
                "bootloader: {type: file, path: " + dir.resolve("boot.json") + "}",
                "components:",
                "  - name: os",
                "    installer: ab-image",
                "    probe: {osRelease: IMAGE_VERSION, path: " + osRelease + "}",
                "  - name: kubernetes",
                "    installer: command",
                "    command: {argv: [" + install + ", '{version}'], timeout: 30s}",
                "    probe: {command: [" + kubelet + ", --version], regex: 'Kubernetes (\\S+)', timeout: 5s}",
                "  - name: firmware",
                "    probe: {file: " + bios + "}",
                "poll: {longPoll: 1s, progressInterval: 100ms, backoffMin: 10ms, backoffMax: 100ms}", ""));
        AgentConfig config = AgentConfig.load(dir.resolve("agent.yaml"));
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

    private Path script(String name, String body) throws Exception {
        Path s = dir.resolve(name);
        Files.writeString(s, "#!/bin/sh\n" + body + "\n");
        assertTrue(s.toFile().setExecutable(true));
        return s;
    }

    @AfterEach
    void tearDown() throws Exception {
        agent.stop();
        thread.join(10_000);
        reconciler.close();
        assertEquals(List.of(), reconciler.problems(), "every report is valid against report.schema.json");
    }

    static Instruction kubernetes(int attempt, String version) {
        return Instruction.of("node-1", new Instruction.Spec("kubernetes-1-35", attempt, null, Action.INSTALL,
                "kubernetes", version, "0123456789abcdef0123456789abcdef01234567", new Instruction.ImageRef("https://images.example/k8s.tar.zst",
                "b".repeat(64), 1, Map.of("flakeRef", "github:org/fleet")), null, false));
    }

    @Test
    void everyComponentIsReportedAsTheMachineRunsIt() throws Exception {
        Report first = reconciler.await(r -> r.status().components().containsKey("kubernetes"), T);
        assertEquals(Map.of("os", "v1.34.1", "kubernetes", "v1.34.2"), first.status().components());
        assertEquals(Map.of("firmware", bios + " does not exist"), first.status().versionUnknown(),
                "a probe that fails is an unknown version with its reason, not a crash");
        assertNotNull(first.status().slots(), "the A/B component's slots are reported");

        // changed outside gitfleet: the reports follow the machine, not a record or a config
        Files.writeString(bios, "1.2.7\n");
        Files.writeString(osRelease, "IMAGE_VERSION=v1.34.9\n");
        Files.writeString(kubeletVersion, "v1.34.5\n");
        Report changed = reconciler.await(r -> "1.2.7".equals(r.status().components().get("firmware"))
                && "v1.34.9".equals(r.status().components().get("os"))
                && "v1.34.5".equals(r.status().components().get("kubernetes")), T);
        assertEquals(Map.of(), changed.status().versionUnknown());
    }

    @Test
    void theCommandComponentInstallsAndItsProbeSaysWhatRunsAfterwards() throws Exception {
        reconciler.await(r -> r.status().components().containsKey("kubernetes"), T);
        reconciler.instruct(kubernetes(1, "v1.35.0"));
        reconciler.awaitPhase(NodePhase.Completed, T);
        Report after = reconciler.await(r -> r.status().task() != null
                && r.status().task().phase() == NodePhase.Completed
                && "v1.35.0".equals(r.status().components().get("kubernetes")), T);
        assertEquals("v1.34.1", after.status().components().get("os"), "the OS did not move");
        assertEquals("b".repeat(64), after.status().digests().get("kubernetes"));
        assertEquals(2, reconciler.phases().stream().filter(p -> p == NodePhase.Rebooting
                || p == NodePhase.Completed).count(), "no reboot beyond the health step: " + reconciler.phases());
        assertEquals(1, new FileBootloader(dir.resolve("boot.json")).load().boots(), "the node did not reboot");

        // someone replaces the kubelet by hand: the probe says so, and the digest of gitfleet's install goes
        Files.writeString(kubeletVersion, "v1.35.2\n");
        Report moved = reconciler.await(r -> "v1.35.2".equals(r.status().components().get("kubernetes")), T);
        assertFalse(moved.status().digests().containsKey("kubernetes"), "that digest is no longer what runs");
    }

    @Test
    void aComponentAlreadyAtTheTargetByItsProbeIsSkipped() throws Exception {
        reconciler.await(r -> r.status().components().containsKey("kubernetes"), T);
        Files.writeString(kubeletVersion, "v1.35.0\n");
        reconciler.instruct(kubernetes(1, "v1.35.0"));
        Report skipped = reconciler.awaitPhase(NodePhase.Skipped, T);
        assertEquals("already at v1.35.0", skipped.status().task().message());
    }

    @Test
    void anUnknownVersionProceedsAndNeverSkips() throws Exception {
        Files.delete(kubeletVersion);
        Report unknown = reconciler.await(r -> r.status().versionUnknown().containsKey("kubernetes"), T);
        assertTrue(unknown.status().versionUnknown().get("kubernetes").contains("--version' does not match"),
                unknown.status().versionUnknown().get("kubernetes"));
        assertFalse(unknown.status().components().containsKey("kubernetes"));
        reconciler.instruct(kubernetes(1, "v1.34.2"));
        reconciler.awaitPhase(NodePhase.Completed, T);
        assertEquals("v1.34.2", Files.readString(kubeletVersion).strip(), "the installer ran");
    }

    @Test
    void aHangingProbeIsKilledAtItsTimeoutAndTheNodeGoesOnReporting() throws Exception {
        reconciler.await(r -> r.status().components().containsKey("kubernetes"), T);
        Files.writeString(dir.resolve("hang"), "");
        Report hung = reconciler.await(r -> r.status().versionUnknown().containsKey("kubernetes"), T);
        assertTrue(hung.status().versionUnknown().get("kubernetes").endsWith("--version' timed out after 5 s and was "
                + "killed"), hung.status().versionUnknown().get("kubernetes"));
        assertEquals("v1.34.1", hung.status().components().get("os"), "the other components are read as before");
        Files.delete(dir.resolve("hang"));
        reconciler.await(r -> "v1.34.2".equals(r.status().components().get("kubernetes")), T);
    }

    @Test
    void anInstructionForAComponentThisAgentOnlyReportsIsRefused() throws Exception {
        reconciler.await(r -> r.status().components().containsKey("kubernetes"), T);
        reconciler.instruct(Instruction.of("node-1", new Instruction.Spec("fw-1", 1, null, Action.INSTALL,
                "firmware", "1.3.0", "0123456789abcdef0123456789abcdef01234567", new Instruction.ImageRef("https://images.example/fw.bin", "c".repeat(64),
                1, Map.of()), null, false)));
        Report failed = reconciler.awaitPhase(NodePhase.Failed, T);
        assertEquals("this node's agent does not install firmware; it installs os, kubernetes (components in its "
                + "config)", failed.status().task().failureReason());
    }
}
