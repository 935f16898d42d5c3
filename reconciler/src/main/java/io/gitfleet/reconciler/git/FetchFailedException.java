package io.gitfleet.reconciler.git;

import java.io.IOException;

/** The fleet repo's remote could not be reached or refused us; the pass waits and tries again. */
public final class FetchFailedException extends IOException {
    public FetchFailedException(String url, Throwable cause) {
        super("cannot fetch " + url + ": " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()),
                cause);
    }
}
