package io.gitfleet.reconciler.pass;

/** No commit of the approved branch has ever passed the approval check, so there is no fleet to act on. */
public final class NothingAcceptedException extends Exception {
    private final String reason;

    public NothingAcceptedException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
