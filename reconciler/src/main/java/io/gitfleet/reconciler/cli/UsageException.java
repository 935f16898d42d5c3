package io.gitfleet.reconciler.cli;

import io.gitfleet.schema.Durations;
import java.time.Duration;

/** Bad usage or bad input on the command line: printed as one line, exit code 2. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }

    /** The value of a duration option ({@code 90s}, {@code 1h30m}), or a usage error naming the option. */
    static Duration duration(String option, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }
}
