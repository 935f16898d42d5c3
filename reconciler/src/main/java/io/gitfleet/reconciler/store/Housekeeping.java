package io.gitfleet.reconciler.store;

import java.io.File;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.GC;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the object count of a repository the reconciler writes into bounded: every {@code EVERY}th status commit
 * runs git's {@code gc --auto} rule there (JGit's {@link GC} with auto on: it packs only when more than
 * {@code gc.autoPackLimit} packs, 50 by default, or about {@code gc.auto} loose objects, 6,700 by default, have piled
 * up; a status commit writes one pack). A push over {@code git://}, ssh or https lands in a server's own
 * {@code receive-pack}, which runs its own {@code gc --auto}; a push into a plain path lands in JGit's, which
 * never does: one pack per push, hundreds after a day's rollout.
 */
public final class Housekeeping {
    static final int EVERY = Integer.getInteger("gitfleet.gcEvery", 16);
    /** Packs a plain-path remote may hold before it is packed whole (git's {@code gc.autoPackLimit} is 50). */
    static final int MAX_PACKS = 32;
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
    private static final Map<File, AtomicInteger> COUNTS = new ConcurrentHashMap<>();

    private Housekeeping() {
    }

    /** Counts one write into {@code repo}; every {@value #EVERY}th runs the auto rule. */
    public static void wrote(Repository repo) {
        File dir = repo.getDirectory();
        if (dir == null || !(repo instanceof FileRepository file)
                || COUNTS.computeIfAbsent(dir, d -> new AtomicInteger()).incrementAndGet() % EVERY != 0) {
            return;
        }
        collect(file, true);
    }

    /**
     * Counts one push into the repository at {@code path} (a plain-path remote); every {@value #EVERY}th, packs it
     * whole when it holds more than {@value #MAX_PACKS} packs. Not the auto rule: JGit's receive side runs that
     * itself, in the background, and gives up for a day once a run has left a warning in {@code gc.log}.
     */
    public static void pushedInto(String path) {
        File dir = new File(path).getAbsoluteFile();
        if (COUNTS.computeIfAbsent(dir, d -> new AtomicInteger()).incrementAndGet() % EVERY != 0) {
            return;
        }
        File gitDir = gitDir(dir);
        String[] packs = new File(gitDir, "objects/pack").list((d, name) -> name.endsWith(".pack"));
        if (packs == null || packs.length <= MAX_PACKS) {
            return;
        }
        try (Repository remote = new FileRepositoryBuilder().setGitDir(gitDir).setMustExist(true).build()) {
            if (remote instanceof FileRepository file) {
                collect(file, false);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("housekeeping: cannot open {}: {}", dir, e.getMessage());
        }
    }

    /**
     * A gc now ({@code --auto} when {@code auto}); a failure, or a gc already running there, is logged and left for
     * the next turn (the data is safe either way).
     */
    public static void collect(FileRepository repo, boolean auto) {
        try {
            GC gc = new GC(repo);
            gc.setAuto(auto);
            // no bitmaps: JGit fails to carry over the bitmaps of a pack written by git's own gc ("Bitmap from old
            // index has N bits"), and the status branch is never cloned, so they would buy nothing
            org.eclipse.jgit.storage.pack.PackConfig pack = new org.eclipse.jgit.storage.pack.PackConfig(repo);
            pack.setBuildBitmaps(false);
            gc.setPackConfig(pack);
            // the packs just repacked go now, as git's own repack -d does; JGit would keep them for an hour
            gc.setPackExpireAgeMillis(0);
            gc.setProgressMonitor(NullProgressMonitor.INSTANCE);
            gc.gc().get();
        } catch (IOException | GitAPIException | java.text.ParseException | RuntimeException e) {
            LOG.warn("housekeeping: gc in {} did not run: {}", repo.getDirectory(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("housekeeping: gc --auto in {} failed: {}", repo.getDirectory(), e.getCause().getMessage());
        }
    }

    private static File gitDir(File dir) {
        File dotGit = new File(dir, ".git");
        return dotGit.isDirectory() ? dotGit : dir;
    }
}
