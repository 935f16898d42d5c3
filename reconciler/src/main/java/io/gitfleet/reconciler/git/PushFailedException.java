package io.gitfleet.reconciler.git;

import java.io.IOException;

/** A push failed for another reason than a lost race (no permission, remote down, hook refusal). */
public final class PushFailedException extends IOException {
    public PushFailedException(String url, String ref, String why) {
        super(GitUrls.redact("cannot push " + ref + " to " + url + ": " + why));
    }
}
