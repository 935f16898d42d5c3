package io.gitfleet.agent.install;

/** The image expands past its declared size; stopped before writing the excess. */
public final class ImageTooLargeException extends InstallException {
    public ImageTooLargeException(long declared) {
        super("image too large: it expands past its declared size of " + declared + " bytes (nothing beyond was written)");
    }
}
