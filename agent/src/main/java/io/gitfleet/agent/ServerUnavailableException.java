package io.gitfleet.agent;

/** The reconciler could not be reached, or answered 5xx or something unreadable: retry with backoff. */
public final class ServerUnavailableException extends Exception {
    public ServerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
