package io.gitfleet.demo.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs the reconciler process at seeded random moments of rollouts and starts it again on the same port and data
 * dir. A moment is a count of the fleet's own steps, not a time: the kill lands after 1–12 more task transitions of
 * the agents (read from their state files; an agent reports each one, so the reconciler is usually busy with it),
 * and the reconciler stays down until 0–2 more transitions happened without it (or 3 s, when the fleet waits on
 * it). Every rollout must reach Succeeded; maxUnavailable must hold in every status commit and in the agents' own
 * timelines; every node must install each target exactly once.
 *
 * <p>{@code -Dgitfleet.e2e.kills=N} (default 3) sets how many kills; {@code -Dgitfleet.e2e.seed=S} the seed. Kills
 * are spread over successive rollouts (up to {@value #KILLS_PER_ROLLOUT} per rollout), alternating the fleet
 * between v1.35.1 and v1.34.1 (a downgrade, allowed), each rollout with a fresh upgrade name.
 */
class ReconcilerKillE2E {
    static final int KILLS_PER_ROLLOUT = 4;
    static final int MAX_UNAVAILABLE = 2;

    @TempDir
    Path tmp;

    @Test
    void rolloutsSurviveSigkillsOfTheReconciler() throws Exception {
        int kills = Integer.getInteger("gitfleet.e2e.kills", 3);
        long seed = Long.getLong("gitfleet.e2e.seed", 20260731L);
        Random random = new Random(seed);
        long started = System.nanoTime();
        int done = 0;
        int rollouts = 0;
        int statusCommitsChecked = 0;
        Map<String, Integer> killPhases = new TreeMap<>();
        // a pre-reboot hook keeps each node in flight a little longer: more moments worth a kill
        try (FleetUnderTest f = FleetUnderTest.start(tmp, List.of("hooks: {preReboot: ['sleep 0.5']}"), 0)) {
            String previous = null;
            while (done < kills) {
                rollouts++;
                String name = "os-r" + rollouts;
                boolean down = rollouts % 2 == 0;
                String version = down ? FleetUnderTest.INSTALLED : FleetUnderTest.TARGET;
                Map<String, Long> bootsBefore = new HashMap<>();
                for (String n : f.nodes) {
                    bootsBefore.put(n, f.boots(n));
                }
                Map<String, String> files = new LinkedHashMap<>();
                files.put("upgrades/" + name + ".yaml", FleetUnderTest.upgrade(name, version, MAX_UNAVAILABLE, down));
                if (previous != null) {
                    files.put("upgrades/" + previous + ".yaml", null);
                }
                f.mergeFiles("rollout-" + rollouts, "Roll the OS to " + version + " (" + name + ")", files);
                int thisRollout = 0;
                while (thisRollout < KILLS_PER_ROLLOUT && done < kills) {
                    long killAt = transitions(f, name) + 1 + random.nextInt(12);
                    f.await("the kill moment of " + name + " or its end", Duration.ofMinutes(3),
                            () -> succeeded(f, name) || transitions(f, name) >= killAt);
                    if (succeeded(f, name)) {
                        break;
                    }
                    f.killReconciler();
                    done++;
                    thisRollout++;
                    String where = phases(f.upgradeStatus(name));
                    Map<String, String> agentStates = new TreeMap<>();
                    for (String n : f.nodes) {
                        String st = f.taskState(n, name);
                        if (st != null && !List.of("COMPLETED", "SKIPPED", "FAILED").contains(st)) {
                            agentStates.put(n, st);
                        }
                    }
                    agentStates.values().stream().distinct().forEach(st -> killPhases.merge(st, 1, Integer::sum));
                    if (agentStates.isEmpty()) {
                        killPhases.merge("no agent busy", 1, Integer::sum);
                    }
                    System.out.printf("kill %d (%s): status head %s; agents %s%n", done, name, where, agentStates);
                    long upAt = transitions(f, name) + random.nextInt(3);
                    f.awaitOrGiveUp("the agents move on without the reconciler", Duration.ofSeconds(3),
                            () -> transitions(f, name) >= upAt);
                    f.startReconciler();
                }
                f.await(name + " succeeds", Duration.ofMinutes(3), () -> succeeded(f, name));
                RolloutChecks.succeeded(f, name, version);
                statusCommitsChecked += RolloutChecks.statusHistoryWithinBudget(f, name, MAX_UNAVAILABLE);
                RolloutChecks.agentTimelinesWithinBudget(f, name, MAX_UNAVAILABLE);
                RolloutChecks.installedOnce(f, name, version, bootsBefore, Map.of());
                previous = name;
            }
            f.git("fsck", "--strict");
            System.out.printf("ReconcilerKillE2E: seed %d, %d kills over %d rollouts (%d reconciler starts), "
                    + "%d status commits checked, every invariant held, %.0f s%n", seed, done, rollouts,
                    f.reconcilerStarts(), statusCommitsChecked, (System.nanoTime() - started) / 1e9);
            System.out.println("kill points (kills that found an agent in each state): " + killPhases);
        }
        assertTrue(done >= kills, "every kill happened during a rollout");
    }

    /** Every state the nodes' tasks for {@code name} have entered so far, summed over the fleet. */
    private static long transitions(FleetUnderTest f, String name) {
        long sum = 0;
        for (String n : f.nodes) {
            sum += f.taskEntries(n, name);
        }
        return sum;
    }

    private static boolean succeeded(FleetUnderTest f, String name) {
        UpgradeStatus s = f.upgradeStatus(name);
        return s != null && s.status().phase() == UpgradePhase.Succeeded;
    }

    /** e.g. "Completed=3 Pending=4 Rebooting=1 Writing=1". */
    private static String phases(UpgradeStatus s) {
        if (s == null) {
            return "";
        }
        Map<NodePhase, Integer> count = new TreeMap<>();
        s.status().nodes().forEach(r -> count.merge(r.phase(), 1, Integer::sum));
        StringBuilder b = new StringBuilder(s.status().phase().toString()).append(':');
        count.forEach((p, c) -> b.append(' ').append(p).append('=').append(c));
        return b.toString();
    }
}
