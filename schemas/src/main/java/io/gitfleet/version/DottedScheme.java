package io.gitfleet.version;

import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Numbers separated by dots, any count of them, with an optional leading {@code v}: Fedora CoreOS
 * {@code 40.20240616.3.0}, Debian {@code 12.5}, dates {@code 2024.06.01}. Versions are kept as written; they compare
 * numerically field by field (so {@code 06} is 6 and no field is too large), and a missing field counts as 0:
 * {@code 12.5} and {@code 12.5.0} are the same version, {@code 12.5} is before {@code 12.5.1}.
 */
public final class DottedScheme implements VersionScheme {
    private static final Pattern DOTTED = Pattern.compile("^v?[0-9]+(\\.[0-9]+)*$");

    DottedScheme() {
    }

    @Override
    public String wire() {
        return "dotted";
    }

    @Override
    public String describe() {
        return "numbers separated by dots, such as 40.20240616.3.0, 12.5 or 2024.06.01";
    }

    @Override
    public boolean parses(String text) {
        return text != null && DOTTED.matcher(text).matches();
    }

    @Override
    public int compare(String a, String b) {
        String[] x = fields(a);
        String[] y = fields(b);
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = compareNumbers(i < x.length ? x[i] : "0", i < y.length ? y[i] : "0");
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** The first field is the "major", the second the "minor" (0 when absent). */
    @Override
    public String stepTooLarge(String from, String to, int step) {
        String[] x = fields(from);
        String[] y = fields(to);
        return minorStep(from + " → " + to, new BigInteger(x[0]), x.length > 1 ? new BigInteger(x[1]) : BigInteger.ZERO,
                new BigInteger(y[0]), y.length > 1 ? new BigInteger(y[1]) : BigInteger.ZERO, step,
                from.startsWith("v") ? "v" : "");
    }

    /** {@code =12} covers every 12.x, {@code =12.5} every 12.5.x: the bound's fields equal the version's first ones. */
    @Override
    public boolean prefixMatch(String bound, String version) {
        String[] b = fields(bound);
        String[] v = fields(version);
        for (int i = 0; i < b.length; i++) {
            if (compareNumbers(b[i], i < v.length ? v[i] : "0") != 0) {
                return false;
            }
        }
        return true;
    }

    private String[] fields(String text) {
        if (!parses(text)) {
            throw new IllegalArgumentException("'" + text + "' is not a dotted version");
        }
        return (text.startsWith("v") ? text.substring(1) : text).split("\\.");
    }

    /** Two decimal numbers of any length, leading zeros ignored. */
    static int compareNumbers(String a, String b) {
        String x = stripZeros(a);
        String y = stripZeros(b);
        return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : Integer.signum(x.compareTo(y));
    }

    private static String stripZeros(String s) {
        int i = 0;
        while (i < s.length() - 1 && s.charAt(i) == '0') {
            i++;
        }
        return s.substring(i);
    }

    static String minorStep(String move, long fromMajor, long fromMinor, long toMajor, long toMinor, int step,
                            String prefix) {
        return minorStep(move, BigInteger.valueOf(fromMajor), BigInteger.valueOf(fromMinor),
                BigInteger.valueOf(toMajor), BigInteger.valueOf(toMinor), step, prefix);
    }

    /** The {@code maxMinorStep} rule of the numeric schemes, with DESIGN.md §2's sentences. */
    static String minorStep(String move, BigInteger fromMajor, BigInteger fromMinor, BigInteger toMajor,
                            BigInteger toMinor, int step, String prefix) {
        if (!fromMajor.equals(toMajor)) {
            return move + " crosses a major version; the catalog allows " + step + " minor step"
                    + (step == 1 ? "" : "s") + " at a time";
        }
        BigInteger diff = toMinor.subtract(fromMinor);
        if (diff.compareTo(BigInteger.valueOf(step)) <= 0) {
            return null;
        }
        BigInteger skipped = diff.subtract(BigInteger.ONE);
        String next = prefix + fromMajor + "." + fromMinor.add(BigInteger.valueOf(step)) + ".x";
        return move + " skips " + (skipped.equals(BigInteger.ONE) ? "a minor" : skipped + " minors") + "; upgrade to "
                + next + " first";
    }
}
