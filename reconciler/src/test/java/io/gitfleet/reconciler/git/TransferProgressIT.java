package io.gitfleet.reconciler.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real fetch and push with JGit, timed by a clock that moves a second at every look: the lines a long transfer
 * shows (what, objects, bytes received, time), and none for a quick one.
 */
class TransferProgressIT {
    @TempDir
    Path tmp;

    /** A bare repo with 1,500 incompressible files of 2 KiB in one commit: about 3 MiB of pack. */
    private Path bigRepo() throws Exception {
        Path work = tmp.resolve("work");
        Files.createDirectories(work);
        GitCli git = new GitCli(work);
        git.run("init", "-q", "-b", "main");
        Random random = new Random(7);
        byte[] data = new byte[2048];
        for (int i = 0; i < 1500; i++) {
            random.nextBytes(data);
            Files.write(work.resolve("f" + i + ".bin"), data);
        }
        git.run("add", "-A");
        git.run("commit", "-q", "-m", "big");
        Path bare = tmp.resolve("big.git");
        new GitCli(tmp).run("clone", "-q", "--bare", work.toString(), bare.toString());
        return bare;
    }

    @Test
    void aLongFetchSaysHowFarItGotAndAQuickOneSaysNothing() throws Exception {
        Path bare = bigRepo();
        List<String> lines = new ArrayList<>();
        AtomicLong clock = new AtomicLong();
        TransferProgress.Factory slow = (what, objects) -> new TransferProgress(what, lines::add,
                Duration.ofSeconds(2), () -> clock.addAndGet(1_000_000_000L),
                objects == null ? null : () -> TransferProgress.incoming(objects));
        try (FleetMirror mirror = FleetMirror.open(tmp.resolve("mirror"), bare.toString(), GitAuth.NONE)) {
            mirror.setProgress(slow).fetch();
            assertTrue(lines.size() > 3, lines.toString());
            String first = lines.get(0);
            assertTrue(first.startsWith("fetch " + bare.toAbsolutePath().normalize() + ": "), first);
            assertTrue(lines.stream().anyMatch(l -> l.matches(".*: Receiving objects \\d+/1502 \\(\\d+%\\), .*s")),
                    lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.matches(".*Receiving objects.*, [0-9.]+ (KiB|MiB) received, .*")),
                    "the bytes of the pack as it arrives: " + lines);
            assertTrue(lines.get(lines.size() - 1).matches("fetch .*: done in \\d+s, [0-9.]+ MiB"),
                    "the closing line says how much arrived: " + lines.get(lines.size() - 1));

            lines.clear();
            TransferProgress.Factory quick = (what, objects) -> new TransferProgress(what, lines::add,
                    Duration.ofSeconds(2), System::nanoTime, null);
            mirror.setProgress(quick).fetch();
            assertEquals(List.of(), lines, "nothing to fetch, nothing said");
        }
    }

    @Test
    void aLongPushSaysHowFarItGot() throws Exception {
        Path bare = bigRepo();
        Path target = tmp.resolve("target.git");
        new GitCli(tmp).run("init", "-q", "--bare", target.toString());
        List<String> lines = new ArrayList<>();
        AtomicLong clock = new AtomicLong();
        try (FleetMirror from = FleetMirror.open(tmp.resolve("mirror"), bare.toString(), GitAuth.NONE)) {
            from.fetch();
            org.eclipse.jgit.lib.ObjectId head = from.branchHead("main");
            new PushRefCommand(from.repository()).setUrl(target.toString()).setBranch("copy").setNewId(head)
                    .setProgress(new TransferProgress("push copy", lines::add, Duration.ofSeconds(2),
                            () -> clock.addAndGet(1_000_000_000L), null)).call();
        }
        assertTrue(lines.stream().anyMatch(l -> l.matches("push copy: \\w[\\w ]* \\d+/\\d+ \\(\\d+%\\), \\d+s")),
                lines.toString());
        assertTrue(lines.get(lines.size() - 1).matches("push copy: done in \\d+s"), lines.toString());
    }
}
