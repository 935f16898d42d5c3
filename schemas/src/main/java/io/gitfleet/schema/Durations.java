package io.gitfleet.schema;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them: {@code 90s}, {@code 15m}, {@code 1h30m}, {@code 2d}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h|d)");

    private Durations() {
    }

    public static Duration parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        Matcher m = PART.matcher(text);
        Duration total = Duration.ZERO;
        int at = 0;
        while (m.find()) {
            if (m.start() != at) {
                break;
            }
            try {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            } catch (NumberFormatException | ArithmeticException tooLarge) {
                // a number past the long range, or a sum past Duration's: a sentence, not an internal error
                throw new IllegalArgumentException("'" + text + "' is too large a duration");
            }
            at = m.end();
        }
        if (at != text.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration like 90s, 15m, 4h or 1h30m");
        }
        return total;
    }

    /** The short form, the inverse of {@link #parse}. */
    public static String format(Duration d) {
        long s = d.getSeconds();
        if (s == 0) {
            return d.toMillis() + "ms";
        }
        StringBuilder b = new StringBuilder();
        if (s >= 86400) { b.append(s / 86400).append('d'); s %= 86400; }
        if (s >= 3600) { b.append(s / 3600).append('h'); s %= 3600; }
        if (s >= 60) { b.append(s / 60).append('m'); s %= 60; }
        if (s > 0) { b.append(s).append('s'); }
        if (d.toMillisPart() > 0) { b.append(d.toMillisPart()).append("ms"); }
        return b.toString();
    }
}
