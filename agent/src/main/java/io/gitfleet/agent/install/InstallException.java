package io.gitfleet.agent.install;

/**
 * An install that cannot go on. The message is the failure reason the agent reports, so it is written for the
 * operator reading the status branch; subclasses name the situation.
 */
public class InstallException extends Exception {
    public InstallException(String reason) {
        super(reason);
    }

    public InstallException(String reason, Throwable cause) {
        super(reason, cause);
    }

    public String reason() {
        return getMessage();
    }
}
