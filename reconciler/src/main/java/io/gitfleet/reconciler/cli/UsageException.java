package io.gitfleet.reconciler.cli;

/** Bad usage or bad input on the command line: printed as one line, exit code 2. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
