package io.gitfleet.webhooks;

/** The outcome of checking a delivery's signature or token; only VALID lets the body be parsed. */
public enum Verification {
    VALID("valid"),
    NO_SECRET("no secret is configured for this endpoint, so it accepts nothing"),
    MISSING("the request carries no signature"),
    INVALID("the signature does not match the body");

    private final String reason;

    Verification(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
