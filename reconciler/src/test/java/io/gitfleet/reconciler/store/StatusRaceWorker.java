package io.gitfleet.reconciler.store;

import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.GitAuth;
import java.nio.file.Path;

/** A separate process racing on a remote's status branch: {@code MIRROR_DIR URL COUNT}. */
public final class StatusRaceWorker {
    private StatusRaceWorker() {
    }

    public static void main(String[] args) throws Exception {
        try (FleetMirror mirror = FleetMirror.open(Path.of(args[0]), args[1], GitAuth.NONE)) {
            StatusStore store = new StatusStore(mirror.repository(), StatusStore.DEFAULT_BRANCH, mirror)
                    .setRetries(200, java.time.Duration.ofMillis(5));
            store.refresh();
            int attempts = 0;
            for (int k = 0; k < Integer.parseInt(args[2]); k++) {
                attempts += store.update(new RaceMutation(k)).attempts();
            }
            System.out.println("attempts " + attempts);
        }
    }
}
