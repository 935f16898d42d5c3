package io.gitfleet.reconciler.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.GitAuth;
import io.gitfleet.reconciler.git.GitCli;
import io.gitfleet.schema.NodePhase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plain-path remote receives one pack per push from JGit; the reconciler keeps their number bounded. */
class HousekeepingIT {
    @TempDir
    Path tmp;

    static long packs(Path repo) throws Exception {
        try (Stream<Path> s = Files.list(repo.resolve("objects/pack"))) {
            return s.filter(p -> p.toString().endsWith(".pack")).count();
        }
    }

    @Test
    void aPlainPathRemoteStaysPacked() throws Exception {
        Path remote = tmp.resolve("remote.git");
        new GitCli(tmp).run("init", "-q", "--bare", remote.toString());
        long most = 0;
        int pushes = Housekeeping.MAX_PACKS + 2 * Housekeeping.EVERY;
        try (FleetMirror mirror = FleetMirror.open(tmp.resolve("mirror.git"), remote.toString(), GitAuth.NONE)) {
            StatusStore store = new StatusStore(mirror.repository(), StatusStore.DEFAULT_BRANCH, mirror);
            for (int i = 0; i < pushes; i++) {
                String os = "v1." + i + ".0";
                store.update(view -> new StatusUpdate().put(StatusStoreIT.node("worker-1", os, NodePhase.Writing,
                        StatusStoreIT.T0)).put(StatusStoreIT.node("worker-2", os, null, StatusStoreIT.T0))
                        .events(List.of("moved to " + os)));
                most = Math.max(most, packs(remote));
            }
        }
        assertTrue(most <= Housekeeping.MAX_PACKS + Housekeeping.EVERY, "at most " + most + " packs");
        assertTrue(most > 1, "the remote did receive packs: " + most);
        GitCli git = new GitCli(remote);
        assertEquals(String.valueOf(pushes), git.run("rev-list", "--count", StatusStore.DEFAULT_BRANCH));
        assertEquals("", git.run("fsck", "--strict", "--no-progress", "--no-dangling"));
    }
}
