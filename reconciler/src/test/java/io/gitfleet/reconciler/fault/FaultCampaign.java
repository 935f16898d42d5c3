package io.gitfleet.reconciler.fault;

import io.gitfleet.reconciler.git.GitDaemon;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import io.gitfleet.log.LogLine;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The fault campaign: randomized rollouts of an in-process fleet (the real planner and reconcile pass, the real
 * status store on a bare repository behind {@code git daemon}, simulated agents with a fault at every state), with
 * the reconciler killed at random points and the Git server taken down and back. Seeded: each rollout's seed is
 * drawn from the campaign's, and a violation names the rollout's seed, which can be run alone.
 *
 * <pre>
 * java -cp … io.gitfleet.reconciler.fault.FaultCampaign [ROLLOUTS] [SEED] [--rollout SEED]   (-Dgitfleet.faults.threads=N)
 * </pre>
 *
 * Exits 1 when any invariant broke. docs/benchmarks.md has the figures and the Maven command.
 */
public final class FaultCampaign {
    public static final long DEFAULT_SEED = 20261130L;
    /** Rollouts run side by side: much of a rollout's time is spent waiting on {@code git daemon}'s processes. */
    public static final int THREADS = Integer.getInteger("gitfleet.faults.threads",
            Math.max(2, Runtime.getRuntime().availableProcessors()));

    private FaultCampaign() {
    }

    /** {@code git daemon} on one port, taken down and brought back on the same address. */
    static final class GitServer implements AutoCloseable {
        private final Path base;
        private final int port;
        private GitDaemon daemon;

        GitServer(Path base) throws IOException {
            this.base = base;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                this.port = s.getLocalPort();
            }
            start();
        }

        Path base() {
            return base;
        }

        String url(String name) {
            return "git://127.0.0.1:" + port + "/" + name;
        }

        boolean up() {
            return daemon != null;
        }

        void start() throws IOException {
            try {
                daemon = GitDaemon.serve(base, port);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while starting git daemon");
            }
        }

        void stop() {
            daemon.close();
            daemon = null;
        }

        @Override
        public void close() {
            if (daemon != null) {
                stop();
            }
        }
    }

    /**
     * Runs {@code rollouts} rollouts whose seeds are drawn from {@code seed} (or the one rollout {@code only}) on
     * {@code threads} workers, each with its own {@code git daemon}: a rollout depends on its seed alone.
     */
    public static Figures run(int rollouts, long seed, Long only, int threads) throws IOException {
        Random master = new Random(seed);
        long[] seeds = new long[only != null ? 1 : rollouts];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = only != null ? only : master.nextLong();
        }
        Path root = Files.createTempDirectory("gitfleet-faults");
        // the reconciler's warnings are the faults this campaign injects; its figures say what happened
        LogLine.configure(LogLine.Level.ERROR, LogLine.Format.TEXT);
        AtomicInteger next = new AtomicInteger();
        List<Future<Figures>> workers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, seeds.length)));
        try {
            for (int w = 0; w < Math.max(1, Math.min(threads, seeds.length)); w++) {
                Path served = Files.createDirectories(root.resolve("served-" + w));
                workers.add(pool.submit(() -> {
                    Figures fig = new Figures();
                    try (GitServer git = new GitServer(served)) {
                        for (int i = next.getAndIncrement(); i < seeds.length; i = next.getAndIncrement()) {
                            Path dir = Files.createDirectories(root.resolve("r" + i));
                            new Rollout(seeds[i], dir, git, fig).run();
                            delete(dir);
                            delete(served.resolve("r" + i + ".git"));
                        }
                    }
                    return fig;
                }));
            }
            Figures all = new Figures();
            for (Future<Figures> f : workers) {
                all.add(f.get());
            }
            return all;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            throw new IOException("a rollout could not run: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
            LogLine.configure(LogLine.Level.INFO, LogLine.Format.TEXT);
            delete(root);
        }
    }

    public static void main(String[] args) throws IOException {
        int rollouts = 1000;
        long seed = DEFAULT_SEED;
        Long only = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--rollout")) {
                only = Long.parseLong(args[++i]);
            } else if (i == 0) {
                rollouts = Integer.parseInt(args[i]);
            } else {
                seed = Long.parseLong(args[i]);
            }
        }
        long start = System.nanoTime();
        Figures fig = run(rollouts, seed, only, THREADS);
        System.out.print(fig.summary(only != null ? only : seed, (System.nanoTime() - start) / 1e9));
        System.exit(fig.violations.isEmpty() ? 0 : 1);
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
