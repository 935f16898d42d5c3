package io.gitfleet.version;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian package versions in dpkg's order ({@code [epoch:]upstream[-revision]}): the epoch first, then upstream
 * and revision each by dpkg's {@code verrevcmp}: runs of non-digits compare character by character with {@code ~}
 * before everything (even the end), letters before other characters; runs of digits compare as numbers. A missing
 * revision compares like an empty one ({@code 1.0} and {@code 1.0-0} are the same version).
 */
public final class DebianScheme implements VersionScheme {
    /** Debian policy: upstream starts with a digit and holds alphanumerics and {@code . + - ~}; no colon. */
    private static final Pattern DEBIAN = Pattern.compile(
            "^(?!.*-$)(?:([0-9]{1,9}):)?([0-9][A-Za-z0-9.+~-]*?)(?:-([A-Za-z0-9.+~]+))?$");

    DebianScheme() {
    }

    @Override
    public String wire() {
        return "debian";
    }

    @Override
    public String describe() {
        return "a Debian version [epoch:]upstream[-revision], such as 1:2.36.1-8+deb12u1 or 12.5";
    }

    @Override
    public boolean parses(String text) {
        return text != null && DEBIAN.matcher(text).matches();
    }

    private record Parts(long epoch, String upstream, String revision) {
    }

    private Parts parts(String text) {
        Matcher m = text == null ? null : DEBIAN.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a Debian version");
        }
        // dpkg splits at the last hyphen; the lazy upstream group above does the same
        return new Parts(m.group(1) == null ? 0 : Long.parseLong(m.group(1)), m.group(2),
                m.group(3) == null ? "" : m.group(3));
    }

    @Override
    public int compare(String a, String b) {
        Parts x = parts(a);
        Parts y = parts(b);
        int c = Long.compare(x.epoch, y.epoch);
        if (c == 0) {
            c = verrevcmp(x.upstream, y.upstream);
        }
        if (c == 0) {
            c = verrevcmp(x.revision, y.revision);
        }
        return Integer.signum(c);
    }

    /** dpkg's {@code maxMinorStep} has no field to count: catalogs with the debian scheme refuse the policy. */
    @Override
    public String stepTooLarge(String from, String to, int maxStep) {
        return null;
    }

    /** dpkg's {@code order()}: digits and the end 0, {@code ~} -1, letters themselves, others after letters. */
    private static int order(int c) {
        if (c >= '0' && c <= '9') {
            return 0;
        }
        if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
            return c;
        }
        if (c == '~') {
            return -1;
        }
        return c == 0 ? 0 : c + 256;
    }

    private static boolean digit(int c) {
        return c >= '0' && c <= '9';
    }

    /** A port of dpkg's {@code verrevcmp} (lib/dpkg/version.c), with 0 standing for the end of the string. */
    static int verrevcmp(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            int firstDiff = 0;
            while (i < a.length() && !digit(a.charAt(i)) || j < b.length() && !digit(b.charAt(j))) {
                int ac = order(at(a, i));
                int bc = order(at(b, j));
                if (ac != bc) {
                    return ac - bc;
                }
                i++;
                j++;
            }
            while (at(a, i) == '0') {
                i++;
            }
            while (at(b, j) == '0') {
                j++;
            }
            while (digit(at(a, i)) && digit(at(b, j))) {
                if (firstDiff == 0) {
                    firstDiff = at(a, i) - at(b, j);
                }
                i++;
                j++;
            }
            if (digit(at(a, i))) {
                return 1;
            }
            if (digit(at(b, j))) {
                return -1;
            }
            if (firstDiff != 0) {
                return firstDiff;
            }
        }
        return 0;
    }

    private static int at(String s, int i) {
        return i < s.length() ? s.charAt(i) : 0;
    }
}
