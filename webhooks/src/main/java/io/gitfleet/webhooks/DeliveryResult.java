package io.gitfleet.webhooks;

/** How one delivery ended; the metric label, and the HTTP status the forge sees. */
public enum DeliveryResult {
    /** A sync or a plan was handed to the reconciler. */
    ACCEPTED(202),
    /** Verified, but nothing to do (ping, closed pull request, event not handled). */
    IGNORED(202),
    /** A delivery id seen before: a forge retry or a replay. */
    DUPLICATE(200),
    UNAUTHORIZED(401),
    MALFORMED(400),
    TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    /** The reconciler's sink threw; the id is forgotten so the forge's retry is acted on. */
    FAILED(500),
    /** Too many bodies were being read at once; the forge retries. */
    BUSY(503);

    private final int httpStatus;

    DeliveryResult(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The metric label: {@code too_large}, {@code duplicate}, … */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
