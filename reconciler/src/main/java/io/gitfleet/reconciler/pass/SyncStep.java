package io.gitfleet.reconciler.pass;

import io.gitfleet.reconciler.git.FetchFailedException;
import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.store.StatusWriter;
import io.gitfleet.schema.FleetStatus;

/**
 * Fetches the fleet repo (and the shared status branch) into the mirror, then finds the approved branch's head.
 * A failed fetch does not stop the pass: in-flight nodes keep being tracked from what was fetched before, and
 * the status says Waiting/FetchFailed.
 */
final class SyncStep implements Step {
    private final FleetMirror mirror;
    private final StatusWriter writer;

    SyncStep(FleetMirror mirror, StatusWriter writer) {
        this.mirror = mirror;
        this.writer = writer;
    }

    @Override
    public String name() {
        return "sync";
    }

    @Override
    public void run(PassState s) throws Exception {
        if (s.fetch) {
            try {
                mirror.refresh(writer.store().branch());
            } catch (FetchFailedException e) {
                s.issues.add(Failures.classify(name(), e));
            }
        }
        s.status = writer.view();
        s.previous = s.status.fleet().orElse(null);
        s.approvedBranch = s.previous != null && s.previous.status().approvedBranch() != null
                ? s.previous.status().approvedBranch() : s.options.approvedBranch();
        s.head = mirror.branchHead(s.approvedBranch);
        if (s.head == null) {
            throw new BranchMissingException(s.approvedBranch);
        }
    }

    static String lastApplied(FleetStatus previous) {
        return previous == null ? null : previous.status().lastAppliedCommit();
    }
}
