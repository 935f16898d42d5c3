package io.gitfleet.agent.install;

import java.io.IOException;

/** Carries an {@link InstallException} through the decompressor, whose read() may only throw IOException. */
final class TransferException extends IOException {
    private final InstallException failure;

    TransferException(InstallException failure) {
        super(failure.getMessage(), failure);
        this.failure = failure;
    }

    InstallException failure() {
        return failure;
    }
}
