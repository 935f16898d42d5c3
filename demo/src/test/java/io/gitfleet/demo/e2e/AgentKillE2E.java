package io.gitfleet.demo.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
 * confirms its new slot after the boot (health checks running), and that one again as its restarted process comes
 * up. Each is started again, as systemd would. The rollout completes, the victims start their transfer over but
 * install once, and no node's booted slot was ever written.
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

            // 1. mid-write: the first node seen Writing, half a second into its transfer
            String[] writer = new String[1];
            f.await("a node is writing its slot", Duration.ofSeconds(60), () -> {
                writer[0] = inState(f, "WRITING");
                return writer[0] != null;
            });
            Thread.sleep(200);
            assertTrue("WRITING".equals(f.log(writer[0]).lastState(UPGRADE)), writer[0] + " is still writing");
            f.killAgent(writer[0]);
            System.out.println("killed " + writer[0] + " mid-write");
            Thread.sleep(500);
            f.restartAgent(writer[0]);

            // 2. at boot: a node confirming its new slot (health hooks running), then again as it comes back up
            String[] booting = new String[1];
            f.await("a node checks its health after booting the new slot", Duration.ofSeconds(90), () -> {
                booting[0] = inState(f, "CHECKING_HEALTH");
                return booting[0] != null;
            });
            Thread.sleep(500);
            f.killAgent(booting[0]);
            System.out.println("killed " + booting[0] + " while it checked its health after the boot");
            Thread.sleep(300);
            f.restartAgent(booting[0]);
            Thread.sleep(400);
            f.killAgent(booting[0]);
            System.out.println("killed " + booting[0] + " again while its agent was starting");
            Thread.sleep(300);
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
            assertTrue(f.log(writer[0]).entered(UPGRADE, "WRITING") == 2, writer[0] + " wrote its slot again");
            for (String n : f.nodes) {
                assertArrayEquals(bootedSlot.get(n), sha256(f.agents.dir(n).resolve("slot-a.img")),
                        n + "'s booted slot (a) was never written");
                assertTrue(f.log(n).lines().stream().noneMatch(l -> l.text().contains("refusing to write")), n);
            }
            assertTrue(f.log(booting[0]).lines().stream().filter(l -> l.text().startsWith("resuming ")).count() >= 2,
                    booting[0] + " resumed its task after each restart");
            System.out.printf("AgentKillE2E: 3 agent kills (%s mid-write, %s at boot twice), %d status commits "
                    + "checked, every invariant held, %.0f s%n", writer[0], booting[0], commits,
                    (System.nanoTime() - started) / 1e9);
        }
    }

    /** A node whose agent log says it is in {@code state} for the upgrade now, or null. */
    private static String inState(FleetUnderTest f, String state) {
        for (String n : f.nodes) {
            try {
                if (state.equals(f.log(n).lastState(UPGRADE))) {
                    return n;
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return null;
    }

    private static byte[] sha256(Path file) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }
}
