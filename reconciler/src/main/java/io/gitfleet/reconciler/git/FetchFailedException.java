package io.gitfleet.reconciler.git;

import java.io.IOException;

/** The fleet repo's remote could not be reached or refused us; the pass waits and tries again. */
public final class FetchFailedException extends IOException {
    public FetchFailedException(String url, Throwable cause) {
        super(GitUrls.redact("cannot fetch " + url + ": " + (cause.getMessage() == null ? cause.toString()
                : cause.getMessage())));
        // the cause's own message names the URL as given, password included: keep only its redacted text
        IOException redacted = new IOException(GitUrls.redact(cause.toString()));
        redacted.setStackTrace(cause.getStackTrace());
        initCause(redacted);
    }
}
