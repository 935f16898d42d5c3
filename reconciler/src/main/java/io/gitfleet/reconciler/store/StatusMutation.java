package io.gitfleet.reconciler.store;

import java.io.IOException;

/**
 * Computes a status update from the branch as it is now. The store calls it again on a fresh view after a lost
 * race, so it must be a function of its input (recompute, never replay a stale result).
 */
@FunctionalInterface
public interface StatusMutation {
    StatusUpdate apply(StatusView current) throws IOException;
}
