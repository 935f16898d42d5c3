package io.gitfleet.agent.probe;

import io.gitfleet.agent.health.ProcessResult;
import io.gitfleet.agent.health.RunProcessCommand;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the agent reads a component's version from the machine itself, so that reports say what really runs (after
 * an upgrade, or a change made outside gitfleet) rather than what a config or a record claims. Reading never
 * throws: a failure is an unknown version with its reason.
 */
public sealed interface VersionProbe {
    /** Files larger than this are not versions; nothing more is read. */
    int MAX_FILE = 64 * 1024;

    ProbeResult read(Map<String, String> env);

    /** A key of os-release(5): the first of {@code files} that exists is read (/etc, then /usr/lib). */
    record OsRelease(String key, List<Path> files) implements VersionProbe {
        @Override
        public ProbeResult read(Map<String, String> env) {
            for (Path file : files) {
                String text;
                try {
                    text = readCapped(file);
                } catch (NoSuchFileException e) {
                    continue;
                } catch (IOException e) {
                    return ProbeResult.unknown("cannot read " + file + ": " + e.getMessage());
                }
                String value = value(text, key);
                if (value == null) {
                    return ProbeResult.unknown(file + " has no " + key);
                }
                return ProbeResult.of(key + " in " + file, value);
            }
            return ProbeResult.unknown("no os-release file: " + String.join(", ", files.stream().map(Path::toString)
                    .toList()) + (files.size() > 1 ? " do not exist" : " does not exist"));
        }

        /** The value of {@code key}: unquoted, or in single or double quotes with backslash escapes. */
        static String value(String text, String key) {
            for (String line : text.split("\n")) {
                String l = line.strip();
                if (l.startsWith("#") || !l.startsWith(key + "=")) {
                    continue;
                }
                String v = l.substring(key.length() + 1);
                if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.endsWith(v.substring(0, 1))) {
                    v = v.substring(1, v.length() - 1).replaceAll("\\\\(.)", "$1");
                }
                return v;
            }
            return null;
        }
    }

    /** The whole content of a file, trimmed (e.g. {@code /etc/kubernetes-version}). */
    record FileContent(Path file) implements VersionProbe {
        @Override
        public ProbeResult read(Map<String, String> env) {
            try {
                return ProbeResult.of(file.toString(), readCapped(file));
            } catch (NoSuchFileException e) {
                return ProbeResult.unknown(file + " does not exist");
            } catch (IOException e) {
                return ProbeResult.unknown("cannot read " + file + ": " + e.getMessage());
            }
        }
    }

    /**
     * A command (no shell) and a regex: the first capture group of the regex's first match in the output, or without
     * a regex the whole output trimmed. The command is killed, with its children, at its timeout.
     */
    record Command(List<String> argv, Pattern regex, Duration timeout) implements VersionProbe {
        @Override
        public ProbeResult read(Map<String, String> env) {
            String what = "'" + String.join(" ", argv) + "'";
            ProcessResult result;
            try {
                result = new RunProcessCommand(argv).setTimeout(timeout).setTailBytes(4096).setEnvironment(env)
                        .call();
            } catch (IOException e) {
                return ProbeResult.unknown(what + " could not start: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ProbeResult.unknown(what + " was interrupted");
            }
            if (result.timedOut()) {
                return ProbeResult.unknown(what + " timed out after " + timeout.toSeconds() + " s and was killed");
            }
            if (!result.ok()) {
                return ProbeResult.unknown(result.describe(what, 300));
            }
            if (regex == null) {
                return ProbeResult.of(what, result.tail());
            }
            Matcher m = regex.matcher(result.tail());
            if (!m.find() || m.group(1) == null) {
                String out = result.tail().strip();
                return ProbeResult.unknown("the output of " + what + " does not match " + regex.pattern()
                        + (out.isEmpty() ? " (it printed nothing)"
                        : ": " + (out.length() > 200 ? out.substring(0, 200) + "…" : out)));
            }
            return ProbeResult.of(what, m.group(1));
        }
    }

    private static String readCapped(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE + 1);
            if (bytes.length > MAX_FILE) {
                throw new IOException("larger than " + MAX_FILE / 1024 + " KiB, not a version file");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
