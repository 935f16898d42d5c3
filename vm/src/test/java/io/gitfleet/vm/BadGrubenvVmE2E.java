package io.gitfleet.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A grubenv torn by a power cut (its block zeroed), then one deleted: GRUB cannot load it, still boots the good
 * slot (a, with nothing in the environment), and the agent says what it found and recreates the block.
 */
class BadGrubenvVmE2E {
    static final Duration BOOT = UpgradeVmE2E.BOOT;

    @Test
    void aTornOrMissingGrubenvStillBootsTheGoodSlotAndTheAgentRecreatesIt() throws Exception {
        VmAssets assets = VmAssets.get();
        Path root = assets.project.resolve("vm/target/vm-e2e/torn-grubenv");
        try (HostFleet fleet = new HostFleet(root.resolve("host"), assets);
             Vm vm = new Vm(root.resolve("node"), assets, fleet, List.of())) {
            VmAssets.tearGrubenv(vm.disk);
            assertEquals("", VmAssets.grubenv(vm.disk), "the block is torn");
            fleet.startReconciler();
            vm.start();
            vm.awaitLine(0, "gitfleet: booting slot a from hd0,gpt3 \\(primary a\\)", BOOT);
            vm.awaitLine(0, "gitfleet-vm: slot a runs .*VERSION_ID=1\\.0\\.0", BOOT);
            vm.awaitLine(0, "the GRUB environment block /mnt/boot/boot/grub/grubenv was corrupt .*recreated it with"
                    + " slot a \\(running\\) as primary and good", BOOT);
            vm.awaitTrue("the node's report is on the status branch", BOOT,
                    () -> fleet.nodeStatus(HostFleet.NODE).contains("booted: a"));
            vm.kill();
            assertEquals("gitfleet_primary=a gitfleet_try= gitfleet_a=good gitfleet_b=",
                    UpgradeVmE2E.normalized(VmAssets.grubenv(vm.disk)));
            System.out.println("torn grubenv console:\n" + vm.excerpt(0));

            // The block lost altogether: the same for GRUB; the agent creates it.
            VmAssets.removeGrubenv(vm.disk);
            assertEquals("", VmAssets.grubenv(vm.disk), "the block is gone");
            int lost = vm.mark();
            vm.start();
            vm.awaitLine(lost, "gitfleet: booting slot a from hd0,gpt3 \\(primary a\\)", BOOT);
            vm.awaitLine(lost, "gitfleet-vm: slot a runs .*VERSION_ID=1\\.0\\.0", BOOT);
            vm.awaitLine(lost, "the GRUB environment block /mnt/boot/boot/grub/grubenv was missing; recreated it with"
                    + " slot a \\(running\\) as primary and good", BOOT);
            vm.kill();
            assertEquals("gitfleet_primary=a gitfleet_try= gitfleet_a=good gitfleet_b=",
                    UpgradeVmE2E.normalized(VmAssets.grubenv(vm.disk)));
            System.out.println("missing grubenv console:\n" + vm.excerpt(lost));
        }
    }
}
