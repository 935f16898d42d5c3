package io.gitfleet.version;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A constraint on a version, as catalogs write {@code requires}: terms joined with commas, all of which must
 * hold ({@code >=v1.34.0,<v1.36}). Operators {@code >= <= > < = == !=}; a partial version fills with zeros
 * ({@code <v1.36} is {@code <v1.36.0}), except that {@code =v1.34} means any v1.34.x.
 */
public final class VersionConstraint {
    private static final Pattern TERM = Pattern.compile(
            "^\\s*(>=|<=|!=|==|=|>|<)?\\s*v?(\\d+)(?:\\.(\\d+)(?:\\.(\\d+)(?:-([0-9A-Za-z.-]+))?)?)?\\s*$");

    private enum Op { GE, LE, GT, LT, EQ, NE }

    private record Term(Op op, Version version, int parts) {
        boolean test(Version v) {
            int c = v.compareTo(version);
            return switch (op) {
                case GE -> c >= 0;
                case LE -> c <= 0;
                case GT -> c > 0;
                case LT -> c < 0;
                case EQ -> parts == 3 ? c == 0 : prefixMatch(v);
                case NE -> parts == 3 ? c != 0 : !prefixMatch(v);
            };
        }

        private boolean prefixMatch(Version v) {
            return v.major() == version.major() && (parts < 2 || v.minor() == version.minor());
        }
    }

    private final List<Term> terms;
    private final String text;

    private VersionConstraint(List<Term> terms, String text) {
        this.terms = terms;
        this.text = text;
    }

    public static VersionConstraint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty version constraint");
        }
        List<Term> terms = new ArrayList<>();
        for (String part : text.split(",")) {
            Matcher m = TERM.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + part.strip() + "' is not a constraint like >=v1.12.0 or <v1.36");
            }
            Op op = switch (m.group(1) == null ? "=" : m.group(1)) {
                case ">=" -> Op.GE;
                case "<=" -> Op.LE;
                case ">" -> Op.GT;
                case "<" -> Op.LT;
                case "!=" -> Op.NE;
                default -> Op.EQ;
            };
            int parts = m.group(4) != null ? 3 : m.group(3) != null ? 2 : 1;
            List<String> pre = m.group(5) == null ? List.of() : List.of(m.group(5).split("\\."));
            Version v = Version.of(Long.parseLong(m.group(2)), m.group(3) == null ? 0 : Long.parseLong(m.group(3)),
                    m.group(4) == null ? 0 : Long.parseLong(m.group(4)), pre, part.strip());
            terms.add(new Term(op, v, parts));
        }
        return new VersionConstraint(List.copyOf(terms), text.strip());
    }

    public boolean test(Version v) {
        for (Term t : terms) {
            if (!t.test(v)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the version fails only a lower bound: it is too old, so the other component must move first. */
    public boolean tooOld(Version v) {
        boolean failsLower = false;
        for (Term t : terms) {
            if (!t.test(v)) {
                if (t.op == Op.GE || t.op == Op.GT) {
                    failsLower = true;
                } else {
                    return false;
                }
            }
        }
        return failsLower;
    }

    @Override
    public String toString() {
        return text;
    }
}
