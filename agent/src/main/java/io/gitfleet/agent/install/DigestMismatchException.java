package io.gitfleet.agent.install;

/** The bytes served are not the approved image. */
public final class DigestMismatchException extends InstallException {
    public DigestMismatchException(String expected, String actual) {
        super("sha256 mismatch: expected " + expected + " got " + actual);
    }
}
