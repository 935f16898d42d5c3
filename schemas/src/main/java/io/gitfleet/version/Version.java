package io.gitfleet.version;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SemVer 2.0 version with an optional leading {@code v}. Ordering follows the spec: pre-releases sort before
 * their release, numeric identifiers numerically and before alphanumeric ones; build metadata is ignored.
 * {@link #toString()} gives back the text it was parsed from.
 */
public final class Version implements Comparable<Version> {
    private static final Pattern SEMVER = Pattern.compile(
            "^v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
                    + "(?:-((?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*))*))?"
                    + "(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$");

    private final long major;
    private final long minor;
    private final long patch;
    private final List<String> preRelease;
    private final String text;

    private Version(long major, long minor, long patch, List<String> preRelease, String text) {
        this.major = major;
        this.minor = minor;
        this.patch = patch;
        this.preRelease = preRelease;
        this.text = text;
    }

    public static Version parse(String text) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException(
                "'" + text + "' is not a SemVer 2.0 version such as v1.35.1"));
    }

    public static Optional<Version> tryParse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = SEMVER.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
            return Optional.of(new Version(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                    Long.parseLong(m.group(3)), pre, text));
        } catch (NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }

    /** A version made from numbers, for partial versions in constraints ({@code <v1.36} is {@code <v1.36.0}). */
    static Version of(long major, long minor, long patch, List<String> preRelease, String text) {
        return new Version(major, minor, patch, new ArrayList<>(preRelease), text);
    }

    public long major() {
        return major;
    }

    public long minor() {
        return minor;
    }

    public long patch() {
        return patch;
    }

    public boolean isPreRelease() {
        return !preRelease.isEmpty();
    }

    @Override
    public int compareTo(Version o) {
        int c = Long.compare(major, o.major);
        if (c == 0) {
            c = Long.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Long.compare(patch, o.patch);
        }
        return c != 0 ? c : comparePreRelease(preRelease, o.preRelease);
    }

    private static int comparePreRelease(List<String> a, List<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Boolean.compare(a.isEmpty(), b.isEmpty());
        }
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            String x = a.get(i);
            String y = b.get(i);
            boolean xn = x.chars().allMatch(Character::isDigit);
            boolean yn = y.chars().allMatch(Character::isDigit);
            int c;
            if (xn && yn) {
                c = x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
            } else if (xn || yn) {
                c = xn ? -1 : 1;
            } else {
                c = x.compareTo(y);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** Same precedence (build metadata and the {@code v} prefix do not count). */
    public boolean sameAs(Version o) {
        return compareTo(o) == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Version v && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(major * 1_000_003L + minor * 1_009L + patch) * 31 + preRelease.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }

    /** {@code v1.34.x}: the minor line, for messages. */
    public String minorLine() {
        return (text.startsWith("v") ? "v" : "") + major + "." + minor + ".x";
    }
}
