package io.gitfleet.reconciler.git;

/** The manifest is written in a way gitfleet will not edit automatically; the operator edits it by hand. */
public final class ManifestEditException extends RuntimeException {
    public ManifestEditException(String message) {
        super(message);
    }
}
