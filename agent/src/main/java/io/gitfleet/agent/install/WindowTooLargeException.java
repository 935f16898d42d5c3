package io.gitfleet.agent.install;

/**
 * A zstd frame asks for a larger window (the decompressor's memory) than this agent allows: refused before the
 * window is allocated, so a {@code --long=31} image cannot push a small node out of memory mid-write.
 */
public final class WindowTooLargeException extends InstallException {
    public WindowTooLargeException(String reason) {
        super(reason);
    }
}
