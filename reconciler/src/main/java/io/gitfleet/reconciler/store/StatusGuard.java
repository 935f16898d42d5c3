package io.gitfleet.reconciler.store;

import java.io.IOException;

/**
 * A condition a writer's batched changes must meet on the very branch state they are committed on, checked inside
 * the compare-and-swap: a replica's writes carry "I still hold the lease" this way, so the check and the swap are
 * one decision.
 */
@FunctionalInterface
public interface StatusGuard {
    StatusGuard NONE = view -> {
    };

    /** Throws {@link NotLeaseHolderException} (or another IOException) to refuse the write. */
    void check(StatusView branch) throws IOException;
}
