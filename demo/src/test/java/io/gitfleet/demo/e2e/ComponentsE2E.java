package io.gitfleet.demo.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.NodeStatus;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Upgrade os first, then kubernetes" on one node, every part its own process: {@code gitfleet serve} and one agent
 * that manages two components, the OS in its A/B slots and Kubernetes through a command installer. Both versions
 * are read from the machine by probes: the OS's from the booted slot's own os-release, Kubernetes' from what the
 * kubelet says. Both upgrades are merged at once; the catalog's {@code requires: {os: ">=v1.35.0"}} holds Kubernetes
 * Blocked until the node reports the new OS, and the Blocked sentence goes with it.
 */
class ComponentsE2E {
    private static final String NODE = "worker-1";
    private static final String OS = "os-1-35";
    private static final String K8S = "kubernetes-1-35";
    private static final String BLOCKED = "os v1.34.1 does not support kubernetes v1.35.0; upgrade os first";

    @TempDir
    Path tmp;

    @Test
    void osFirstThenKubernetesWithVersionsReadFromTheMachine() throws Exception {
        Path tools = Files.createDirectories(tmp.resolve("tools"));
        Path version = tools.resolve("kubelet-version");
        Files.writeString(version, "v1.34.2\n");
        Path kubelet = script(tools.resolve("kubelet"), "echo \"Kubernetes $(cat " + version + ")\"");
        Path install = script(tools.resolve("install-kubernetes"),
                "echo \"kubeadm upgrade apply $1\"; sleep 2; echo \"$1\" > " + version);
        List<String> components = List.of(
                "components:",
                "  - name: os",
                "    installer: ab-image",
                "    probe: {command: [sh, -c, 'head -c 256 \"$GITFLEET_BOOTED_SLOT_DEVICE\"'], "
                        + "regex: 'VERSION_ID=(\\S+)'}",
                "  - name: kubernetes",
                "    installer: command",
                "    command: {argv: [" + install + ", '{version}'], timeout: 1m}",
                "    probe: {command: [" + kubelet + ", --version], regex: 'Kubernetes (\\S+)', timeout: 10s}");
        // a drain that takes a moment: the status branch sees the OS in flight while Kubernetes is Blocked
        List<String> hooks = List.of("hooks: {preReboot: ['sleep 1']}");
        try (FleetUnderTest f = FleetUnderTest.startNodes(tmp.resolve("fleet"), List.of(NODE), components, hooks)) {
            NodeStatus before = nodeStatus(f);
            assertEquals(Map.of("os", "v1.34.1", "kubernetes", "v1.34.2"), before.status().components(),
                    "both versions as the probes read them");

            f.mergeFiles("os-then-kubernetes", "Upgrade the OS, then Kubernetes", Map.of(
                    "upgrades/" + OS + ".yaml", manifest(OS, "os", "v1.35.1", "catalogs/os.yaml"),
                    "upgrades/" + K8S + ".yaml", manifest(K8S, "kubernetes", "v1.35.0", "catalogs/kubernetes.yaml")));
            f.await("both upgrades succeeded", Duration.ofSeconds(120), () -> phase(f, OS) == UpgradePhase.Succeeded
                    && phase(f, K8S) == UpgradePhase.Succeeded);

            // the rows' own transitions (the reconciler's clock), both upgrades on one time line
            List<UpgradeStatus.Transition> os = row(f.upgradeStatus(OS)).transitions();
            List<UpgradeStatus.Transition> k8s = row(f.upgradeStatus(K8S)).transitions();
            List<String> timeline = new ArrayList<>();
            os.forEach(t -> timeline.add(t.at() + " os         " + t.phase()));
            k8s.forEach(t -> timeline.add(t.at() + " kubernetes " + t.phase()));
            timeline.sort(null);
            timeline.forEach(line -> System.out.println("ComponentsE2E timeline: " + line));
            Instant blocked = at(k8s, NodePhase.Blocked);
            Instant osDone = at(os, NodePhase.Completed);
            Instant k8sStarted = at(k8s, NodePhase.Instructed);
            Instant k8sDone = at(k8s, NodePhase.Completed);
            assertTrue(blocked.isBefore(osDone) && !osDone.isAfter(k8sStarted) && k8sStarted.isBefore(k8sDone),
                    "kubernetes Blocked → os Completed → kubernetes Instructed → Completed: " + timeline);
            assertEquals(NodePhase.Completed, os.get(os.size() - 1).phase());
            assertEquals(List.of(NodePhase.Completed), k8s.stream().filter(t -> !t.at().isBefore(k8sDone))
                    .map(UpgradeStatus.Transition::phase).toList());

            // the status branch, commit by commit: the sentence while the OS is old, gone once it moved
            List<Step> commits = commits(f);
            commits.forEach(c -> System.out.println("ComponentsE2E status commit: " + c));
            int sentence = first(commits, c -> c.k8s == NodePhase.Blocked && BLOCKED.equals(c.k8sMessage));
            int moved = first(commits, c -> c.os == NodePhase.Completed);
            assertTrue(sentence >= 0 && sentence < moved, "Blocked with its sentence before the OS moved: " + commits);
            for (Step c : commits.subList(moved, commits.size())) {
                assertTrue(c.k8s != NodePhase.Blocked && (c.k8sMessage == null
                        || !c.k8sMessage.contains("does not support")), "the Blocked sentence is gone: " + c);
            }

            NodeStatus after = nodeStatus(f);
            assertEquals(Map.of("os", "v1.35.1", "kubernetes", "v1.35.0"), after.status().components(),
                    "what the machine runs now, read by the probes");
            assertEquals("b", after.status().slots().booted(), "the OS runs from the slot it was written to");
            assertEquals("v1.35.0", Files.readString(version).strip(), "the command installer ran");
            AgentLog log = f.log(NODE);
            assertEquals(1, log.instructions(OS));
            assertEquals(1, log.instructions(K8S));
            assertTrue(log.intervals(OS).get(0).end().compareTo(log.intervals(K8S).get(0).start()) <= 0,
                    "the agent took the Kubernetes instruction after the OS task ended");
        }
    }

    /** One status-branch commit, as the two rows of the node read there. */
    record Step(String commit, NodePhase os, NodePhase k8s, String k8sMessage) {
    }

    private static Instant at(List<UpgradeStatus.Transition> transitions, NodePhase phase) {
        return transitions.stream().filter(t -> t.phase() == phase).map(UpgradeStatus.Transition::at).findFirst()
                .orElseThrow(() -> new AssertionError("never " + phase + ": " + transitions));
    }

    private static List<Step> commits(FleetUnderTest f) throws Exception {
        List<Step> out = new ArrayList<>();
        for (String commit : f.git("rev-list", "--reverse", "gitfleet/status").lines().toList()) {
            UpgradeStatus.NodeRow os = row(f.upgradeStatusAt(commit, OS));
            UpgradeStatus.NodeRow k8s = row(f.upgradeStatusAt(commit, K8S));
            Step s = new Step(commit.substring(0, 8), os == null ? null : os.phase(),
                    k8s == null ? null : k8s.phase(), k8s == null ? null : k8s.message());
            Step last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last == null || last.os != s.os || last.k8s != s.k8s || !java.util.Objects.equals(last.k8sMessage,
                    s.k8sMessage)) {
                out.add(s);
            }
        }
        return out;
    }

    private static UpgradeStatus.NodeRow row(UpgradeStatus status) {
        if (status == null) {
            return null;
        }
        return status.status().nodes().stream().filter(r -> r.node().equals(NODE)).findFirst().orElse(null);
    }

    private static int first(List<Step> timeline, java.util.function.Predicate<Step> p) {
        for (int i = 0; i < timeline.size(); i++) {
            if (p.test(timeline.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static UpgradePhase phase(FleetUnderTest f, String upgrade) {
        UpgradeStatus s = f.upgradeStatus(upgrade);
        return s == null ? null : s.status().phase();
    }

    private static NodeStatus nodeStatus(FleetUnderTest f) throws Exception {
        String path = f.git("ls-tree", "-r", "--name-only", "gitfleet/status", "nodes/").lines()
                .filter(p -> p.endsWith("/" + NODE + ".yaml")).findFirst().orElseThrow();
        return DocumentReader.require(path, f.git("show", "gitfleet/status:" + path).getBytes(StandardCharsets.UTF_8),
                NodeStatus.class);
    }

    private static String manifest(String name, String component, String version, String catalog) {
        return String.join("\n",
                "apiVersion: gitfleet.io/v1",
                "kind: Upgrade",
                "metadata:",
                "  name: " + name,
                "spec:",
                "  component: " + component,
                "  version: " + version,
                "  catalog: {ref: " + catalog + "}",
                "  selector: {nodeNames: [" + NODE + "]}",
                "  strategy: {order: listed, maxUnavailable: 1}",
                "");
    }

    private static Path script(Path file, String body) throws Exception {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        assertTrue(file.toFile().setExecutable(true));
        return file;
    }
}
