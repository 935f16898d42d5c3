package io.gitfleet.reconciler.store;

import java.util.Set;

/**
 * What a status write did.
 *
 * @param result   COMMITTED or NO_CHANGE (lost races are retried inside the store)
 * @param commit   the status branch head afterwards (null when the branch still does not exist)
 * @param attempts how many tries it took (1 when no other writer interfered)
 * @param paths    the files the commit changed
 */
public record WriteResult(RefResult result, String commit, int attempts, Set<String> paths) {
    public WriteResult {
        paths = Set.copyOf(paths);
    }
}
