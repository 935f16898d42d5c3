package io.gitfleet.reconciler.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a token or secret file given on the command line. One trailing line break (editors and {@code echo} add
 * it) is not part of the secret; a line break inside is refused by the file's name and line count, never by its
 * content: left in, it would end up in an HTTP header, whose error message prints the whole value.
 */
final class SecretFiles {
    private SecretFiles() {
    }

    static String read(String option, Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException(option + " " + file + ": cannot be read");
        }
        String secret = text.replaceFirst("\\r?\\n$", "");
        if (secret.contains("\n") || secret.contains("\r")) {
            throw new UsageException(option + " " + file + ": must hold the secret on one line (it has "
                    + secret.lines().count() + " lines)");
        }
        if (secret.isBlank()) {
            throw new UsageException(option + " " + file + ": is empty");
        }
        return secret;
    }
}
