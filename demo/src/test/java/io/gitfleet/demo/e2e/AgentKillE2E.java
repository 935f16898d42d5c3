package io.gitfleet.demo.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs agent processes during a rollout: one in the middle of writing its inactive slot, another while it
 * confirms its new slot after the boot (health checks running), and that one again as its restarted process resumes
 * the check. Each is started again at once, as systemd would. The rollout completes, the victims start their
 * transfer over but install once, and no node's booted slot was ever written. The kill moments are events read from
 * the nodes themselves (the agent's state file, the slot file), not times, so a slow machine moves them only as
 * much as it slows the agents.
 */
class AgentKillE2E {
    private static final String UPGRADE = "os-1-35";
    private static final int MAX_UNAVAILABLE = 2;

    @TempDir
    Path tmp;

    @Test
    void agentsKilledMidWriteAndAtBootFinishTheRollout() throws Exception {
        long started = System.nanoTime();
        // a paced image server (~2 s of Writing) and a 2 s health check (the window after the boot)
        try (FleetUnderTest f = FleetUnderTest.start(tmp, List.of("hooks: {health: ['sleep 2']}"), 256 * 1024)) {
            Map<String, Long> bootsBefore = new HashMap<>();
            Map<String, byte[]> bootedSlot = new HashMap<>();
            for (String n : f.nodes) {
                bootsBefore.put(n, f.boots(n));
                bootedSlot.put(n, sha256(f.agents.dir(n).resolve("slot-a.img")));
            }
            f.mergeFiles("upgrade", "Upgrade the OS to v1.35.1", Map.of("upgrades/" + UPGRADE + ".yaml",
                    FleetUnderTest.upgrade(UPGRADE, FleetUnderTest.TARGET, MAX_UNAVAILABLE, false)));

            // 1. mid-write: a node whose state file says Writing and whose inactive slot has its first bytes
            String[] writer = new String[1];
            f.await("a node is writing its slot", Duration.ofSeconds(60), () -> {
                writer[0] = midWrite(f);
                return writer[0] != null;
            });
            f.killAgent(writer[0]);
            System.out.println("killed " + writer[0] + " mid-write");
            f.restartAgent(writer[0]);

            // 2. at boot: a node confirming its new slot (health hooks running), then again as it resumes that
            String[] booting = new String[1];
            f.await("a node checks its health after booting the new slot", Duration.ofSeconds(90), () -> {
                booting[0] = inState(f, "CHECKING_HEALTH");
                return booting[0] != null;
            });
            f.killAgent(booting[0]);
            System.out.println("killed " + booting[0] + " while it checked its health after the boot");
            f.restartAgent(booting[0]);
            // a restarted agent re-enters the state it died in (RESTART), which its state file counts
            f.await(booting[0] + " resumes its health check", Duration.ofSeconds(60),
                    () -> f.taskEntries(booting[0], UPGRADE, "CHECKING_HEALTH") >= 2);
            f.killAgent(booting[0]);
            System.out.println("killed " + booting[0] + " again as its restarted agent resumed the check");
            f.restartAgent(booting[0]);

            f.await(UPGRADE + " succeeds", Duration.ofMinutes(3), () -> {
                UpgradeStatus s = f.upgradeStatus(UPGRADE);
                return s != null && s.status().phase() == UpgradePhase.Succeeded;
            });
            RolloutChecks.succeeded(f, UPGRADE, FleetUnderTest.TARGET);
            int commits = RolloutChecks.statusHistoryWithinBudget(f, UPGRADE, MAX_UNAVAILABLE);
            RolloutChecks.agentTimelinesWithinBudget(f, UPGRADE, MAX_UNAVAILABLE);
            // the writer's transfer started over from byte 0 after its restart
            RolloutChecks.installedOnce(f, UPGRADE, FleetUnderTest.TARGET, bootsBefore, Map.of(writer[0], 2));
            assertEquals(2, f.taskEntries(writer[0], UPGRADE, "WRITING"), writer[0] + " wrote its slot again");
            for (String n : f.nodes) {
                assertArrayEquals(bootedSlot.get(n), sha256(f.agents.dir(n).resolve("slot-a.img")),
                        n + "'s booted slot (a) was never written");
                assertTrue(f.log(n).lines().stream().noneMatch(l -> l.text().contains("refusing to write")), n);
            }
            assertTrue(f.taskEntries(booting[0], UPGRADE, "CHECKING_HEALTH") >= 3,
                    booting[0] + " resumed its health check after each restart");
            System.out.printf("AgentKillE2E: 3 agent kills (%s mid-write, %s at boot twice), %d status commits "
                    + "checked, every invariant held, %.0f s%n", writer[0], booting[0], commits,
                    (System.nanoTime() - started) / 1e9);
        }
    }

    /** A node whose agent's state file says its task for the upgrade is in {@code state} now, or null. */
    private static String inState(FleetUnderTest f, String state) {
        return f.nodes.stream().filter(n -> state.equals(f.taskState(n, UPGRADE))).findFirst().orElse(null);
    }

    /**
     * A node in the middle of writing slot b: Writing, and the slot (zeros on a fresh node) already holds the target
     * image's first non-zero byte. Null if none is.
     */
    private static String midWrite(FleetUnderTest f) throws java.io.IOException {
        byte[] image = Files.readAllBytes(f.root.resolve("images/os-" + FleetUnderTest.TARGET + ".img"));
        int at = 0;
        while (image[at] == 0) {
            at++;
        }
        for (String n : f.nodes) {
            if ("WRITING".equals(f.taskState(n, UPGRADE))) {
                try (java.nio.channels.FileChannel slot = java.nio.channels.FileChannel.open(
                        f.agents.dir(n).resolve("slot-b.img"))) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
                    slot.read(b, at);
                    if (b.get(0) == image[at]) {
                        return n;
                    }
                }
            }
        }
        return null;
    }

    private static byte[] sha256(Path file) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }
}
