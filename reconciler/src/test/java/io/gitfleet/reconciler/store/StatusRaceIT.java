package io.gitfleet.reconciler.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gitfleet.reconciler.git.GitCli;
import io.gitfleet.reconciler.git.GitDaemon;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two writers on one status branch: nothing lost, no transition twice, the same end state as a serial run. */
class StatusRaceIT {
    static final int STEPS = 15;

    @TempDir
    Path tmp;

    @Test
    void twoThreadsOnOneRepository() throws Exception {
        Path dir = tmp.resolve("fleet.git");
        try (Repository repo = StatusStoreIT.bareRepo(dir)) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            CyclicBarrier start = new CyclicBarrier(2);
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                done.add(pool.submit(() -> {
                    StatusStore store = new StatusStore(repo, "gitfleet/status", null)
                            .setRetries(200, java.time.Duration.ofMillis(1));
                    start.await();
                    int attempts = 0;
                    for (int k = 0; k < STEPS; k++) {
                        attempts += store.update(new RaceMutation(k)).attempts();
                    }
                    return attempts;
                }));
            }
            int attempts = 0;
            for (Future<Integer> f : done) {
                attempts += f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertEndState(new GitCli(dir), attempts);
        }
    }

    @Test
    void twoProcessesPushingToOneRemote() throws Exception {
        Path served = tmp.resolve("served");
        java.nio.file.Files.createDirectories(served);
        StatusStoreIT.bareRepo(served.resolve("fleet.git")).close();
        try (GitDaemon daemon = GitDaemon.serve(served)) {
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<Process> workers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                ProcessBuilder pb = new ProcessBuilder(javaBin, "-cp", cp, StatusRaceWorker.class.getName(),
                        tmp.resolve("mirror-" + w).toString(), daemon.url("fleet.git"), Integer.toString(STEPS))
                        .redirectErrorStream(true).redirectOutput(tmp.resolve("worker-" + w + ".log").toFile());
                workers.add(pb.start());
            }
            int attempts = 0;
            for (int w = 0; w < 2; w++) {
                Process p = workers.get(w);
                if (!p.waitFor(180, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                String log = java.nio.file.Files.readString(tmp.resolve("worker-" + w + ".log"));
                assertEquals(0, p.exitValue(), log);
                attempts += Integer.parseInt(log.replaceAll("(?s).*attempts (\\d+).*", "$1"));
            }
            assertEndState(new GitCli(served.resolve("fleet.git")), attempts);
        }
    }

    private void assertEndState(GitCli git, int attempts) throws Exception {
        assertEquals("", git.run("fsck", "--strict", "--no-progress", "--no-dangling"));
        // serial reference: one writer doing both writers' steps one after the other
        Path serialDir = tmp.resolve("serial.git");
        try (Repository serial = StatusStoreIT.bareRepo(serialDir)) {
            StatusStore store = new StatusStore(serial, "gitfleet/status", null);
            for (int w = 0; w < 2; w++) {
                for (int k = 0; k < STEPS; k++) {
                    store.update(new RaceMutation(k));
                }
            }
        }
        GitCli serialGit = new GitCli(serialDir);
        assertEquals(serialGit.run("show", "gitfleet/status:upgrades/race.yaml"),
                git.run("show", "gitfleet/status:upgrades/race.yaml"), "the end state of a serial run");
        assertEquals(Integer.toString(2 * STEPS), git.run("rev-list", "--count", "gitfleet/status"),
                "one commit per update, none lost");
        String log = git.run("log", "--format=%B", "gitfleet/status");
        for (int k = 0; k < STEPS; k++) {
            String line = "race: n-" + k + " Pending → Instructed";
            assertEquals(1, log.split(java.util.regex.Pattern.quote(line), -1).length - 1, line + " once");
        }
        assertEquals("", git.run("rev-list", "--merges", "gitfleet/status"), "linear history");
        System.out.println(getClass().getSimpleName() + ": " + (2 * STEPS) + " updates took " + attempts
                + " attempts");
    }
}
