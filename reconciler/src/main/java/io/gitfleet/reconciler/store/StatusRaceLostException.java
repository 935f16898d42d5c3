package io.gitfleet.reconciler.store;

import java.io.IOException;

/** Other writers kept moving the status branch through every attempt; the pass retries later. */
public final class StatusRaceLostException extends IOException {
    public StatusRaceLostException(String branch, int attempts) {
        super("the status branch " + branch + " moved under every one of " + attempts + " attempts");
    }
}
