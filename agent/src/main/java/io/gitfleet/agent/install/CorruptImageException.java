package io.gitfleet.agent.install;

/** The bytes are not a valid zstd stream (or it ends mid-frame). */
public final class CorruptImageException extends InstallException {
    public CorruptImageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
