package io.gitfleet.version;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** SemVer 2.0 with an optional leading {@code v}: gitfleet's original and default scheme (see {@link Version}). */
public final class SemverScheme implements VersionScheme {
    /** A range bound: a SemVer version, or a partial one ({@code v1.36}, {@code 2}) that fills with zeros. */
    private static final Pattern BOUND = Pattern.compile(
            "^v?(\\d{1,18})(?:\\.(\\d{1,18})(?:\\.(\\d{1,18})(?:-([0-9A-Za-z.-]+))?)?)?$");

    SemverScheme() {
    }

    @Override
    public String wire() {
        return "semver";
    }

    @Override
    public String describe() {
        return "SemVer 2.0, such as v1.35.1 or 1.36.0-rc.1";
    }

    @Override
    public boolean parses(String text) {
        return Version.tryParse(text).isPresent();
    }

    @Override
    public int compare(String a, String b) {
        return Version.parse(a).compareTo(Version.parse(b));
    }

    @Override
    public String stepTooLarge(String fromText, String toText, int step) {
        Version from = Version.parse(fromText);
        Version to = Version.parse(toText);
        return DottedScheme.minorStep(from + " → " + to, from.major(), from.minor(), to.major(), to.minor(), step,
                fromText.startsWith("v") ? "v" : "");
    }

    @Override
    public String bound(String text) {
        Matcher m = BOUND.matcher(text);
        if (!m.matches()) {
            return null;
        }
        String full = full(text);
        return parses(full) ? full : null;
    }

    @Override
    public boolean prefixMatch(String boundText, String version) {
        Matcher m = BOUND.matcher(boundText);
        if (!m.matches()) {
            return false;
        }
        Version v = Version.parse(version);
        if (m.group(3) != null) {
            return compare(full(boundText), version) == 0;
        }
        return v.major() == Long.parseLong(m.group(1))
                && (m.group(2) == null || v.minor() == Long.parseLong(m.group(2)));
    }

    /** A bound as a full version: {@code <v1.36} compares as {@code <1.36.0}. */
    static String full(String boundText) {
        Matcher m = BOUND.matcher(boundText);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + boundText + "' is not a version bound such as v1.36");
        }
        return m.group(1) + "." + (m.group(2) == null ? "0" : m.group(2)) + "."
                + (m.group(3) == null ? "0" : m.group(3)) + (m.group(4) == null ? "" : "-" + m.group(4));
    }
}
