package io.gitfleet.reconciler.pass;

import java.io.IOException;

/** The approved branch does not exist on the remote (yet); the pass waits for it. */
public final class BranchMissingException extends IOException {
    public BranchMissingException(String branch) {
        super("the fleet repo has no branch " + branch);
    }
}
