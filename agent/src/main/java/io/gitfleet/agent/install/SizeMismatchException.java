package io.gitfleet.agent.install;

/** The image expanded to fewer bytes than the instruction declares. */
public final class SizeMismatchException extends InstallException {
    public SizeMismatchException(long actual, long declared) {
        super("size mismatch: the image expanded to " + actual + " bytes, " + declared + " declared");
    }
}
