package io.gitfleet.agent.install;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the compressed image comes from. Each {@link #open()} starts at byte 0. */
public interface ImageSource {
    /**
     * The compressed bytes from the first one. The stream resumes cuts by itself; it throws
     * {@link RestartFromZeroException} when it cannot, and {@link TransferException} when it gives up.
     */
    InputStream open() throws IOException;

    String describe();

    /** A local file ({@code file://} URL): what a manual install from a USB stick uses. */
    static ImageSource file(Path path) {
        return new ImageSource() {
            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(path);
            }

            @Override
            public String describe() {
                return path.toString();
            }
        };
    }

    static boolean isFile(URI uri) {
        return "file".equalsIgnoreCase(uri.getScheme());
    }
}
