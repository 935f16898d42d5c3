package io.gitfleet.reconciler.pass;

import java.nio.file.Path;

/**
 * Settings of a reconcile pass.
 *
 * @param approvedBranch the approved branch until the status branch records the one {@code fleet.yaml} names
 * @param acceptHistory  a head the operator accepts as it is after a history rewrite or a refused signature
 *                       (a commit id or unique prefix), or null
 * @param flushEveryPass commit the status at the end of every pass ({@code --once}) instead of batching
 * @param keyDir         where allowed-signers files are materialised for signature checks
 */
public record PassOptions(String approvedBranch, String acceptHistory, boolean flushEveryPass, Path keyDir) {
    public PassOptions {
        approvedBranch = approvedBranch == null ? "main" : approvedBranch;
    }
}
