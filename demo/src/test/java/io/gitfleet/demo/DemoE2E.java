package io.gitfleet.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as a newcomer runs it, with real agent processes: merge → Succeeded across the example fleet, with the
 * node whose first boot fails falling back and succeeding on its retry. The status branch's own history is then
 * checked: every commit valid, maxUnavailable never exceeded, no node installed twice but the retried one.
 */
class DemoE2E {
    @TempDir
    Path tmp;

    static Path project() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("example-fleet-repo"))) {
                return p;
            }
        }
        throw new AssertionError("project folder not found");
    }

    @Test
    void theDemoTellsTheWholeStoryAndTheStatusBranchProvesIt() throws Exception {
        Path agentJar = project().resolve("agent/target/gitfleet-agent.jar");
        assertTrue(Files.isRegularFile(agentJar), "the agent module is packaged before this test runs: " + agentJar);
        StringWriter text = new StringWriter();
        Path dir = tmp.resolve("demo");
        try (Demo demo = new Demo(new Demo.Options(false, dir, 0, project().resolve("example-fleet-repo"), agentJar,
                plan -> plan.rows().size() + " rows", false), new PrintWriter(text, true))) {
            assertEquals(0, demo.run(), text.toString());
        }
        String out = text.toString();
        for (String beat : List.of("==> Pull request #1", "==> Merge", "==> Canary", "==> Safety net",
                "rolled back by bootloader", "==> Done in", "log --oneline gitfleet/status")) {
            assertTrue(out.contains(beat), "the demo's output lacks '" + beat + "':\n" + out);
        }
        // the last node's Completed and the upgrade's Succeeded share a commit when the status writer batched them
        // (in either order of events)
        String succeeded = "[0-9a-f]+ os-1-35: (.*, )?now Succeeded(, .*)? \\(9/9\\)(; .*)?";
        assertTrue(out.lines().anyMatch(l -> l.matches(succeeded)),
                "the demo's history lacks the upgrade's Succeeded commit:\n" + out);

        Path bare = dir.resolve("fleet.git");
        DemoRepo.git(bare, "fsck", "--strict");
        UpgradeStatus done = read(bare, "gitfleet/status");
        assertEquals(UpgradePhase.Succeeded, done.status().phase());
        assertEquals(9, done.status().nodes().size());
        for (UpgradeStatus.NodeRow r : done.status().nodes()) {
            assertEquals(NodePhase.Completed, r.phase(), r.node());
            assertEquals("v1.35.1", r.to());
            assertEquals(r.node().equals("worker-3") ? 2 : 1, r.attempt(), r.node() + " installed once (worker-3: retried once)");
        }
        List<String> commits = DemoRepo.git(bare, "rev-list", "gitfleet/status", "--", "upgrades/os-1-35.yaml", "upgrades/os-1-35/").lines()
                .toList();
        assertTrue(commits.size() >= 5, "the rollout is in the history: " + commits.size() + " commits");
        for (String c : commits) {
            long inFlight = read(bare, c).status().nodes().stream().filter(r -> r.phase().inFlight()).count();
            assertTrue(inFlight <= 1, "maxUnavailable 1 exceeded at status commit " + c + ": " + inFlight);
        }
        assertTrue(DemoRepo.git(bare, "log", "--format=%B", "gitfleet/status").lines()
                .anyMatch(l -> l.matches("os-1-35: worker-3 \\S+ → Failed \\(\\d/9\\): rolled back by bootloader")),
                "the fallback is in the history");
    }

    private static UpgradeStatus read(Path bare, String commit) throws Exception {
        return io.gitfleet.demo.e2e.StatusReads.upgradeAt(bare, commit, "os-1-35");
    }
}
