package io.gitfleet.agent.install;

/** The server refused the image or kept failing after the retries. */
public final class DownloadFailedException extends InstallException {
    public DownloadFailedException(String reason) {
        super(reason);
    }

    public DownloadFailedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
