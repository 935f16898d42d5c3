package io.gitfleet.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Power cuts (SIGKILL to QEMU) at the two moments that matter on a real node: in the middle of writing the
 * inactive slot, and after the one-time boot was armed but before the reboot.
 */
class PowerCutVmE2E {
    static final Duration BOOT = UpgradeVmE2E.BOOT;
    static final Duration INSTALL = UpgradeVmE2E.INSTALL;

    @Test
    void cutMidWriteLeavesTheBootedSlotAloneAndTheUpgradeResumes() throws Exception {
        VmAssets assets = VmAssets.get();
        Path root = assets.project.resolve("vm/target/vm-e2e/cut-mid-write");
        try (HostFleet fleet = new HostFleet(root.resolve("host"), assets);
             Vm vm = new Vm(root.resolve("node"), assets, fleet, List.of())) {
            String slotA = VmAssets.partitionSha256(vm.disk, VmAssets.SLOT_A_START, VmAssets.SLOT_SIZE);
            fleet.startReconciler();
            vm.start();
            vm.awaitLine(0, "gitfleet-vm: slot a runs .*VERSION_ID=1\\.0\\.0", BOOT);
            vm.awaitTrue("the node's report is on the status branch", BOOT, () -> fleet.reported(HostFleet.NODE));
            // Slow the image down so the cut lands while the agent writes slot b.
            long image = java.nio.file.Files.size(assets.images.get("2.0.0").zst());
            fleet.images.pace(image / 20);
            int m = vm.mark();
            fleet.approveUpgrade("os-v2", "2.0.0", List.of(HostFleet.NODE));
            vm.awaitLine(m, "os-v2#1 \\(WRITING\\)", INSTALL);
            vm.awaitTrue("a third of the image was sent", INSTALL, () -> fleet.images.sent() > image / 3);
            vm.kill();
            System.out.println("power cut after " + fleet.images.sent() + " of " + image + " bytes sent");
            assertEquals(slotA, VmAssets.partitionSha256(vm.disk, VmAssets.SLOT_A_START, VmAssets.SLOT_SIZE),
                    "the booted slot's bytes changed");
            assertEquals("gitfleet_primary=a gitfleet_try= gitfleet_a=good gitfleet_b=bad",
                    UpgradeVmE2E.normalized(VmAssets.grubenv(vm.disk)), "slot b is marked bad before it is written");

            fleet.images.pace(0);
            int restart = vm.mark();
            vm.start();
            vm.awaitLine(restart, "gitfleet: booting slot a from hd0,gpt3 \\(primary a\\)", BOOT);
            vm.awaitLine(restart, "resuming os-v2#1 \\((DOWNLOADING|WRITING)\\) after a restart", BOOT);
            vm.awaitLine(restart, "gitfleet: booting slot b from hd0,gpt4 \\(primary a\\)", INSTALL);
            vm.awaitLine(restart, "gitfleet-vm: slot b runs .*VERSION_ID=2\\.0\\.0", BOOT);
            vm.awaitLine(restart, "os-v2#1 \\(COMPLETED\\)", INSTALL);
            vm.awaitTrue("os-v2 Succeeded on the status branch", INSTALL, () -> phase(fleet, "os-v2")
                    == UpgradePhase.Succeeded);
            assertTrue(fleet.images.requests() >= 2, "the transfer started over after the cut");
            System.out.println("cut mid-write console:\n" + vm.excerpt(0));
        }
    }

    @Test
    void cutAfterTheBootWasArmedTriesTheNewSlotExactlyOnce() throws Exception {
        VmAssets assets = VmAssets.get();
        Path root = assets.project.resolve("vm/target/vm-e2e/cut-armed");
        try (HostFleet fleet = new HostFleet(root.resolve("host"), assets);
             Vm vm = new Vm(root.resolve("node"), assets, fleet, List.of("hooks:", "  preReboot:",
                     "    - 'echo \"gitfleet-vm: pre-reboot hook holds the reboot\" > /dev/console; sleep 600'"))) {
            fleet.startReconciler();
            vm.start();
            vm.awaitLine(0, "gitfleet-vm: slot a runs .*VERSION_ID=1\\.0\\.0", BOOT);
            int m = vm.mark();
            fleet.approveUpgrade("os-v2", "2.0.0", List.of(HostFleet.NODE));
            vm.awaitLine(m, "gitfleet-vm: pre-reboot hook holds the reboot", INSTALL);
            vm.kill();
            assertEquals("gitfleet_primary=a gitfleet_try=b gitfleet_a=good gitfleet_b=unknown",
                    UpgradeVmE2E.normalized(VmAssets.grubenv(vm.disk)), "the try is armed before the hooks run");

            // The armed try is taken once: GRUB clears it as it boots slot b...
            int second = vm.mark();
            vm.start();
            vm.awaitLine(second, "gitfleet: booting slot b from hd0,gpt4 \\(primary a\\)", BOOT);
            vm.awaitLine(second, "gitfleet-vm: slot b runs .*VERSION_ID=2\\.0\\.0", BOOT);
            // ...so when this trial boot dies before the agent confirms it, the next boot is the primary again.
            vm.kill();
            assertEquals("gitfleet_primary=a gitfleet_try= gitfleet_a=good gitfleet_b=unknown",
                    UpgradeVmE2E.normalized(VmAssets.grubenv(vm.disk)));
            int third = vm.mark();
            vm.start();
            vm.awaitLine(third, "gitfleet: booting slot a from hd0,gpt3 \\(primary a\\)", BOOT);
            vm.awaitLine(third, "os-v2#1 \\(FAILED\\) .* rolled back by bootloader", INSTALL);
            vm.awaitTrue("os-v2 Failed on the status branch", INSTALL, () -> {
                UpgradeStatus.NodeRow row = fleet.row("os-v2", HostFleet.NODE);
                return row != null && row.phase() == NodePhase.Failed;
            });
            String console = vm.text();
            assertEquals(1, count(console.substring(second), "gitfleet: booting slot b"),
                    "slot b was tried more than once");
            System.out.println("cut after arming console:\n" + vm.excerpt(0));
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static UpgradePhase phase(HostFleet fleet, String upgrade) {
        UpgradeStatus s = fleet.upgrade(upgrade);
        return s == null ? null : s.status().phase();
    }
}
