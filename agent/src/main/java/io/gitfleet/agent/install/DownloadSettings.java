package io.gitfleet.agent.install;

import java.time.Duration;

/**
 * How patient the download is. {@code minBytesPerSecond} over {@code lowSpeedTime} works like curl's
 * --speed-limit/--speed-time; {@code maxAttempts} bounds consecutive failed connections (progress resets it);
 * {@code maxRestarts} bounds starting over when a server cannot resume.
 */
public record DownloadSettings(Duration connectTimeout, Duration responseTimeout, long minBytesPerSecond,
                               Duration lowSpeedTime, int maxAttempts, Duration retryBase, Duration retryCap,
                               int maxRestarts) {
    public static final DownloadSettings DEFAULTS = new DownloadSettings(Duration.ofSeconds(15),
            Duration.ofSeconds(60), 16 * 1024, Duration.ofSeconds(60), 8, Duration.ofSeconds(1),
            Duration.ofSeconds(30), 3);

    public DownloadSettings {
        connectTimeout = connectTimeout == null ? DEFAULTS.connectTimeout : connectTimeout;
        responseTimeout = responseTimeout == null ? DEFAULTS.responseTimeout : responseTimeout;
        lowSpeedTime = lowSpeedTime == null ? DEFAULTS.lowSpeedTime : lowSpeedTime;
        retryBase = retryBase == null ? DEFAULTS.retryBase : retryBase;
        retryCap = retryCap == null ? DEFAULTS.retryCap : retryCap;
        maxAttempts = maxAttempts <= 0 ? DEFAULTS.maxAttempts : maxAttempts;
        maxRestarts = maxRestarts < 0 ? DEFAULTS.maxRestarts : maxRestarts;
    }
}
