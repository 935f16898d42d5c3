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
}
