package io.gitfleet.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A real node upgraded twice, proven by its serial console and the status branch: v1 → v2 (the agent writes
 * slot B's block device, arms a one-time boot with grub-editenv, reboots; GRUB boots B; health passes; B is
 * marked good), then v3 whose init exits so the kernel panics: GRUB, untouched, boots B again, the agent reports
 * "rolled back by bootloader" and stopOnFailure keeps the next node from starting.
 */
class UpgradeVmE2E {
    static final Duration BOOT = Duration.ofMinutes(3);
    static final Duration INSTALL = Duration.ofMinutes(4);

    @Test
    void upgradesThenFallsBackFromAnImageThatNeverBoots() throws Exception {
        VmAssets assets = VmAssets.get();
        Path root = assets.project.resolve("vm/target/vm-e2e/upgrade");
        try (HostFleet fleet = new HostFleet(root.resolve("host"), assets);
             Vm vm = new Vm(root.resolve("node"), assets, fleet,
                     List.of("hooks: {health: ['grep -q ^VERSION_ID= /etc/os-release']}"))) {
            fleet.startReconciler();
            BootClock clock = new BootClock();
            vm.start();
            clock.started();
            vm.awaitLine(0, "gitfleet-vm: slot a runs .*VERSION_ID=1\\.0\\.0", BOOT);
            clock.userspace("first boot, slot a (v1), from QEMU's start",
                    vm.awaitLine(0, "gitfleet-vm: userspace up", BOOT));
            vm.awaitTrue("the node's report is on the status branch", BOOT, () -> fleet.reported(HostFleet.NODE));
            clock.event("first report on the status branch");

            // v1 → v2
            int m = vm.mark();
            fleet.approveUpgrade("os-v2", "2.0.0", List.of(HostFleet.NODE));
            vm.awaitLine(m, "instructed: os-v2", INSTALL);
            vm.awaitLine(m, "\\(WRITING\\)", INSTALL);
            clock.event("v2 instructed and writing");
            int staged = vm.awaitLine(m, "\\(REBOOTING\\)", INSTALL).end();
            clock.event("v2 written, verified, staged");
            vm.awaitLine(staged, "gitfleet: booting slot b from hd0,gpt4 \\(primary a\\)", BOOT);
            clock.started();
            vm.awaitLine(staged, "gitfleet-vm: slot b runs .*VERSION_ID=2\\.0\\.0", BOOT);
            clock.userspace("slot b (v2), from GRUB's line",
                    vm.awaitLine(staged, "gitfleet-vm: userspace up", BOOT));
            vm.awaitLine(staged, "resuming os-v2#1", BOOT);
            clock.lap("the agent's first line in slot b");
            vm.awaitLine(staged, "os-v2#1 \\(COMPLETED\\)", INSTALL);
            clock.event("v2 healthy, slot b marked good");
            vm.awaitTrue("os-v2 Succeeded on the status branch", INSTALL, () -> phase(fleet, "os-v2")
                    == UpgradePhase.Succeeded);
            UpgradeStatus.NodeRow v2 = fleet.row("os-v2", HostFleet.NODE);
            assertEquals(NodePhase.Completed, v2.phase());
            assertEquals("b", v2.slot());
            System.out.println("v1 → v2 console:\n" + vm.excerpt(m));

            // v3 never boots: GRUB falls back to slot b by itself
            int m3 = vm.mark();
            fleet.approveUpgrade("os-v3", "3.0.0", List.of(HostFleet.NODE, HostFleet.SILENT_NODE), "os-v2");
            int staged3 = vm.awaitLine(m3, "\\(REBOOTING\\)", INSTALL).end();
            vm.awaitLine(staged3, "gitfleet: booting slot a from hd0,gpt3 \\(primary b\\)", BOOT);
            clock.event("GRUB tries slot a (v3)");
            vm.awaitLine(staged3, "gitfleet test OS 3\\.0\\.0 cannot start", BOOT);
            int panic = vm.awaitLine(staged3, "Kernel panic", BOOT).end();
            clock.event("v3's kernel panicked");
            vm.awaitLine(panic, "gitfleet: booting slot b from hd0,gpt4 \\(primary b\\)", BOOT);
            clock.event("GRUB falls back to slot b");
            clock.started();
            vm.awaitLine(panic, "gitfleet-vm: slot b runs .*VERSION_ID=2\\.0\\.0", BOOT);
            clock.userspace("fallback boot of slot b (v2)",
                    vm.awaitLine(panic, "gitfleet-vm: userspace up", BOOT));
            vm.awaitLine(panic, "os-v3#1 \\(FAILED\\) .* rolled back by bootloader", INSTALL);
            clock.event("the agent reports rolled back by bootloader");
            vm.awaitTrue("os-v3 Failed on the status branch", INSTALL, () -> phase(fleet, "os-v3")
                    == UpgradePhase.Failed);
            UpgradeStatus.NodeRow v3 = fleet.row("os-v3", HostFleet.NODE);
            assertEquals(NodePhase.Failed, v3.phase());
            assertTrue(String.valueOf(v3.failureReason()).contains("rolled back by bootloader"), v3.toString());
            UpgradeStatus.NodeRow next = fleet.row("os-v3", HostFleet.SILENT_NODE);
            assertNotNull(next);
            assertEquals(NodePhase.Pending, next.phase(), "stopOnFailure: the next node never starts");
            System.out.println("v3 console:\n" + vm.excerpt(m3));
            // The agent marks the fallen-back slot bad after it reports the failure; wait for that report.
            vm.awaitTrue("slot a reported bad", INSTALL, () -> fleet.nodeStatus(HostFleet.NODE)
                    .matches("(?s).*\\n    a:\\n      version: v3\\.0\\.0\\n      state: bad\\n.*"));
            vm.kill();
            assertEquals("gitfleet_primary=b gitfleet_try= gitfleet_a=bad gitfleet_b=good",
                    normalized(VmAssets.grubenv(vm.disk)));
            System.out.println("boot times (TCG):\n" + clock.report());
            System.out.println("status branch:\n" + fleet.statusLog());
        }
    }

    private static UpgradePhase phase(HostFleet fleet, String upgrade) {
        UpgradeStatus s = fleet.upgrade(upgrade);
        return s == null ? null : s.status().phase();
    }

    /** The grubenv's gitfleet variables in a fixed order. */
    static String normalized(String env) {
        StringBuilder sb = new StringBuilder();
        for (String name : List.of("gitfleet_primary", "gitfleet_try", "gitfleet_a", "gitfleet_b")) {
            String value = "";
            for (String kv : env.split(" ")) {
                if (kv.startsWith(name + "=")) {
                    value = kv.substring(name.length() + 1);
                }
            }
            sb.append(sb.length() == 0 ? "" : " ").append(name).append('=').append(value);
        }
        return sb.toString();
    }
}
