package io.gitfleet.agent;

/**
 * The reconciler refused the report (4xx: bad token, unknown node, malformed report). Retrying will not help
 * until someone fixes the config or the fleet repo, so the loop backs off to its cap and says so.
 */
public final class ServerRejectedException extends Exception {
    private final int status;

    public ServerRejectedException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
