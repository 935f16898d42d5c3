package io.gitfleet.agent.install;

/** The transfer fell below the configured minimum throughput. */
public final class TooSlowException extends InstallException {
    public TooSlowException(long bytesPerSecond, long minimum, long seconds) {
        super("download too slow: " + bytesPerSecond + " B/s over " + seconds + " s, below the minimum of " + minimum + " B/s");
    }
}
