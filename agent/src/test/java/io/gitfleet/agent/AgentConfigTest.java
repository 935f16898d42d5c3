package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.agent.state.TaskPlanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
    @TempDir
    Path dir;

    @Test
    void theShippedExampleIsValid() throws Exception {
        AgentConfig c = AgentConfig.load(Path.of("examples/agent.yaml"));
        assertEquals(List.of(), c.problems(true));
        assertEquals("node-3", c.node());
        assertEquals(TaskPlanner.Installer.AB_IMAGE, c.installerKind());
        assertEquals("grub-env", c.bootloader().type());
        assertEquals(65536, c.downloadSettings().minBytesPerSecond());
        assertEquals(Duration.ofSeconds(60), c.downloadSettings().lowSpeedTime());
        assertEquals(List.of("systemctl", "reboot"), c.reboot().command());
        assertEquals("main", c.verifyGit().branch());
        assertEquals(List.of("os", "kubernetes", "firmware"), c.managed().stream().map(ComponentConfig::name).toList());
        assertEquals(TaskPlanner.Installer.COMMAND, c.component("kubernetes").kind());
        assertEquals("IMAGE_VERSION", c.component("os").probe().osRelease());
    }

    @Test
    void theExampleDrainsWithOwnership() throws Exception {
        AgentConfig.Hooks hooks = AgentConfig.load(Path.of("examples/agent.yaml")).hooks();
        assertTrue(hooks.drain().startsWith("kubectl drain \"$GITFLEET_NODE\""), hooks.drain());
        assertEquals("kubectl uncordon \"$GITFLEET_NODE\"", hooks.uncordon());
        assertTrue(hooks.cordonCheck().contains(".spec.unschedulable"), hooks.cordonCheck());
    }

    @Test
    void badHookAndCommandFieldsAreNamed() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, String.join("\n", "node: n1", "stateDir: /tmp/x", "installer: command",
                "command: {argv: [nixos-rebuild, '{mode}'], mode: dry-run}",
                "hooks: {drain: 'kubectl drain n1', cordonCheck: 'true', onFailure: ['']}", ""));
        IOException e = assertThrows(IOException.class, () -> AgentConfig.load(f));
        assertEquals(f + ": command.mode must be one of switch, boot, test, not dry-run; "
                + "hooks.onFailure holds an empty line; each entry is a shell command; "
                + "hooks.drain and hooks.uncordon go together: what gitfleet cordons it must be able to uncordon",
                e.getMessage());
        Files.writeString(f, String.join("\n", "node: n1", "stateDir: /tmp/x", "installer: command",
                "command: {argv: [x], mode: test, reboot: true}", "hooks: {cordonCheck: 'true'}", ""));
        e = assertThrows(IOException.class, () -> AgentConfig.load(f));
        assertEquals(f + ": command.reboot: true contradicts command.mode: test (a reboot drops a test activation); "
                + "hooks.cordonCheck needs hooks.drain (it tells whether the drain's cordon is gitfleet's)",
                e.getMessage());
    }

    @Test
    void aRecoverySlotMustBeADeviceOfItsOwn() throws Exception {
        Path f = dir.resolve("r.yaml");
        Files.writeString(f, String.join("\n", "node: n1", "stateDir: /tmp/x",
                "slots: {a: /dev/vda2, b: /dev/vda3, recovery: /dev/vda2}",
                "bootloader: {type: file, path: /tmp/x/boot.json}", ""));
        IOException e = assertThrows(IOException.class, () -> AgentConfig.load(f));
        assertEquals(f + ": slots.recovery must be a device of its own, not slot a or b", e.getMessage());
    }

    @Test
    void aMisspeltKeyIsAnError() throws Exception {
        Path f = dir.resolve("a.yaml");
        Files.writeString(f, "node: n1\nstateDir: /tmp/x\ninstaller: command\ncommand: {argv: [true]}\nhook: {}\n");
        IOException e = assertThrows(IOException.class, () -> AgentConfig.load(f));
        assertTrue(e.getMessage().contains("hook"), e.getMessage());
    }

    @Test
    void missingAndWrongFieldsAreListed() throws Exception {
        Path f = dir.resolve("b.yaml");
        Files.writeString(f, "node: Node_1\ninstaller: ab-image\npoll: {longPoll: soon}\n");
        IOException e = assertThrows(IOException.class, () -> AgentConfig.load(f));
        assertTrue(e.getMessage().contains("node must be the node's name"), e.getMessage());
        assertTrue(e.getMessage().contains("stateDir is required"), e.getMessage());
        assertTrue(e.getMessage().contains("slots.a and slots.b are required"), e.getMessage());
        assertTrue(e.getMessage().contains("not a duration (like 90s, 15m, 1h30m): soon"), e.getMessage());
    }

    @Test
    void maxWindowTakesSizesAndDefaultsToZstdsOwnLimit() throws Exception {
        Path f = dir.resolve("w.yaml");
        String base = "node: n1\nstateDir: /tmp/x\ninstaller: command\ncommand: {argv: [true]}\n";
        Files.writeString(f, base);
        assertEquals(128L << 20, AgentConfig.load(f).maxWindowBytes());
        for (var c : List.of(List.of("1GiB", 1L << 30), List.of("512M", 512L << 20), List.of("2147483648", 1L << 31),
                List.of("64 MiB", 64L << 20))) {
            Files.writeString(f, base + "maxWindow: " + c.get(0) + "\n");
            assertEquals(c.get(1), AgentConfig.load(f).maxWindowBytes(), c.get(0).toString());
        }
        Files.writeString(f, base + "maxWindow: lots\n");
        IOException e = assertThrows(IOException.class, () -> AgentConfig.load(f));
        assertTrue(e.getMessage().contains("maxWindow must be a size of at least 1KiB, like 128MiB or 1GiB, not lots"),
                e.getMessage());
    }

    static final String BASE = "node: n1\nstateDir: /tmp/x\nslots: {a: /dev/a, b: /dev/b}\n"
            + "bootloader: {type: file, path: /tmp/boot.json}\n";

    @Test
    void aComponentListNamesEachInstallerAndProbe() throws Exception {
        Path f = dir.resolve("list.yaml");
        Files.writeString(f, BASE + String.join("\n",
                "components:",
                "  - name: os",
                "    installer: ab-image",
                "    probe: {osRelease: IMAGE_VERSION}",
                "  - name: kubernetes",
                "    installer: command",
                "    command: {argv: [kubeadm-upgrade, '{version}'], timeout: 30m}",
                "    probe: {command: [kubelet, --version], regex: 'Kubernetes v(\\S+)', timeout: 5s}",
                "    reboot: false",
                "  - name: firmware",
                "    probe: {file: /sys/class/dmi/id/bios_version}", ""));
        AgentConfig c = AgentConfig.load(f);
        assertEquals(List.of("os", "kubernetes", "firmware"), c.managed().stream().map(ComponentConfig::name).toList());
        assertEquals(TaskPlanner.Installer.AB_IMAGE, c.component("os").kind());
        assertEquals(TaskPlanner.Installer.COMMAND, c.component("kubernetes").kind());
        assertEquals(null, c.component("firmware").kind(), "only reported");
        assertTrue(c.component("os").rebootAfter());
        assertEquals(false, c.component("kubernetes").rebootAfter());
        assertEquals("os", c.abImage().name());
        assertEquals("IMAGE_VERSION", c.component("os").probe().osRelease());
    }

    @Test
    void anOlderSingleComponentConfigMeansThatComponentWithFixedVersionsBeside() throws Exception {
        Path f = dir.resolve("old.yaml");
        Files.writeString(f, BASE + "components: {kubernetes: v1.34.1}\n");
        AgentConfig c = AgentConfig.load(f);
        assertEquals(List.of(new ComponentConfig("os", "ab-image", null, null, null, null),
                new ComponentConfig("kubernetes", null, null, null, null, "v1.34.1")), c.managed());
        Files.writeString(f, "node: n1\nstateDir: /tmp/x\ninstaller: command\ncomponent: kubernetes\n"
                + "command: {argv: [true], reboot: true}\ncomponents:\n  - {name: kubernetes, probe: {file: /v}}\n");
        c = AgentConfig.load(f);
        assertEquals(1, c.managed().size(), "the list entry gives the installer's component its probe");
        assertEquals("/v", c.component("kubernetes").probe().file());
        assertTrue(c.component("kubernetes").rebootAfter());
        assertEquals(TaskPlanner.Installer.COMMAND, c.installerKind());
    }

    @Test
    void badComponentsAreRefusedWithTheirField() throws Exception {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("components:\n  - {name: os, installer: ab-image, probe: {osRelease: VERSION_ID, file: /v}}\n",
                "components[0] (os).probe must have exactly one of osRelease, file or command");
        cases.put("components:\n  - {name: os, installer: ab-image, probe: {}}\n",
                "components[0] (os).probe must have exactly one of osRelease, file or command");
        cases.put("components:\n  - {name: k8s, installer: command, command: {argv: [x]}, "
                        + "probe: {command: [kubelet], regex: 'v[0-9.]+'}}\n",
                "components[0] (k8s).probe.regex must have a capture group, the version: like 'v([0-9.]+)', "
                        + "not 'v[0-9.]+'");
        cases.put("components:\n  - {name: k8s, installer: command, command: {argv: [x]}, "
                        + "probe: {command: [kubelet], regex: 'v(['}}\n",
                "components[0] (k8s).probe.regex is not a regular expression: ");
        cases.put("components:\n  - {name: k8s, installer: command, command: {argv: [x]}, "
                        + "probe: {command: [kubelet], timeout: soon}}\n",
                "components[0] (k8s).probe.timeout is not a duration (like 10s, 1m): soon");
        cases.put("components:\n  - {name: os, installer: ab-image, probe: {osRelease: version_id}}\n",
                "components[0] (os).probe.osRelease must be an os-release key such as VERSION_ID or IMAGE_VERSION, "
                        + "not 'version_id'");
        cases.put("components:\n  - {name: os, installer: ab-image, probe: {file: /v, path: /p}}\n",
                "components[0] (os).probe.path goes with osRelease");
        cases.put("components:\n  - {name: k8s, installer: command}\n",
                "components[0] (k8s).command.argv is required for the command installer");
        cases.put("components:\n  - {name: os, installer: rpm}\n",
                "components[0] (os).installer must be ab-image or command, not rpm");
        cases.put("components:\n  - {name: OS, installer: ab-image}\n",
                "components[0] (OS).name must be a lowercase component name (like os or kubernetes), not 'OS'");
        cases.put("components:\n  - {name: os, installer: ab-image, reboot: false}\n",
                "components[0] (os).reboot goes with installer: command (the ab-image installer always reboots)");
        cases.put("components:\n  - {name: os, installer: ab-image}\n  - {name: fw, installer: ab-image}\n",
                "components: only one component can use the ab-image installer (the node has one pair of slots), "
                        + "not os and fw");
        cases.put("components:\n  - {name: os, installer: ab-image}\n  - {name: os, probe: {file: /v}}\n",
                "components: os is listed twice");
        cases.put("installer: ab-image\ncomponents:\n  - {name: os, installer: ab-image}\n",
                "installer, component and command go into each entry of components once an entry names its "
                        + "installer; remove them from the top level");
        cases.put("components:\n  - {name: fw, version: 1.2, probe: {file: /v}}\n",
                "components[0] (fw).version is a fixed version for a component the agent neither probes nor "
                        + "installs");
        for (var c : cases.entrySet()) {
            Path f = dir.resolve("bad.yaml");
            Files.writeString(f, BASE + c.getKey());
            IOException e = assertThrows(IOException.class, () -> AgentConfig.load(f), c.getKey());
            assertTrue(e.getMessage().contains(c.getValue()), c.getKey() + " → " + e.getMessage());
        }
        Path f = dir.resolve("unknown.yaml");
        Files.writeString(f, BASE + "components:\n  - {name: os, installer: ab-image, prob: {file: /v}}\n");
        IOException e = assertThrows(IOException.class, () -> AgentConfig.load(f));
        assertTrue(e.getMessage().contains("prob"), e.getMessage());
    }
}
