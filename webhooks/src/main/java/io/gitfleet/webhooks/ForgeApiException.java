package io.gitfleet.webhooks;

/**
 * A forge API call that did not succeed. {@link #statusCode()} is 0 when no answer came (network, timeout).
 * {@link #retryable()} tells the caller whether to retry with backoff or to stop and tell a human (a bad token
 * or a missing repository will not fix itself).
 */
public class ForgeApiException extends RuntimeException {
    private final int statusCode;
    private final String path;

    public ForgeApiException(int statusCode, String method, String path, String detail, Throwable cause) {
        super(method + " " + path + (statusCode == 0 ? " got no answer" : " answered " + statusCode)
                + (detail == null || detail.isBlank() ? "" : ": " + detail), cause);
        this.statusCode = statusCode;
        this.path = path;
    }

    public int statusCode() {
        return statusCode;
    }

    public String path() {
        return path;
    }

    public boolean retryable() {
        return statusCode == 0 || statusCode == 429 || statusCode >= 500;
    }
}
