package io.gitfleet.version;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A range of versions, as catalogs write {@code requires}: terms joined with commas, all of which must hold
 * ({@code >=v1.34.0,<v1.36}). Operators {@code >= <= > < = == !=}; each bound is a version of the scheme the range
 * is read in. Under semver a partial bound fills with zeros ({@code <v1.36} is {@code <v1.36.0}); under semver and
 * dotted {@code =} with fewer fields covers every version that starts with them ({@code =v1.34} is any v1.34.x).
 */
public final class VersionConstraint {
    private static final Pattern TERM = Pattern.compile("^\\s*(>=|<=|!=|==|=|>|<)?\\s*(\\S+)\\s*$");

    private enum Op { GE, LE, GT, LT, EQ, NE }

    private record Term(Op op, String written, String bound) {
    }

    private final List<Term> terms;
    private final String text;
    private final VersionScheme scheme;

    private VersionConstraint(List<Term> terms, String text, VersionScheme scheme) {
        this.terms = terms;
        this.text = text;
        this.scheme = scheme;
    }

    /** A semver range (today's {@code requires}). */
    public static VersionConstraint parse(String text) {
        return parse(text, VersionScheme.SEMVER);
    }

    /** Throws {@link IllegalArgumentException} with a sentence when a term is not a range of {@code scheme}. */
    public static VersionConstraint parse(String text, VersionScheme scheme) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty version constraint");
        }
        List<Term> terms = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            Matcher m = TERM.matcher(part);
            String bound = m.matches() ? scheme.bound(m.group(2)) : null;
            if (bound == null) {
                throw new IllegalArgumentException("'" + part.strip() + "' is not a constraint like >=v1.12.0 or <v1.36"
                        + " whose version is " + scheme.describe() + " (versionScheme " + scheme.wire() + ")");
            }
            Op op = switch (m.group(1) == null ? "=" : m.group(1)) {
                case ">=" -> Op.GE;
                case "<=" -> Op.LE;
                case ">" -> Op.GT;
                case "<" -> Op.LT;
                case "!=" -> Op.NE;
                default -> Op.EQ;
            };
            terms.add(new Term(op, m.group(2), bound));
        }
        return new VersionConstraint(List.copyOf(terms), text.strip(), scheme);
    }

    /** The scheme the range is read in. */
    public VersionScheme scheme() {
        return scheme;
    }

    /** Whether {@code version} (which must parse under the scheme) is in the range. */
    public boolean test(String version) {
        for (Term t : terms) {
            if (!test(t, version)) {
                return false;
            }
        }
        return true;
    }

    public boolean test(Version v) {
        return test(v.toString());
    }

    private boolean test(Term t, String v) {
        int c = scheme.compare(v, t.bound);
        return switch (t.op) {
            case GE -> c >= 0;
            case LE -> c <= 0;
            case GT -> c > 0;
            case LT -> c < 0;
            case EQ -> scheme.prefixMatch(t.written, v);
            case NE -> !scheme.prefixMatch(t.written, v);
        };
    }

    /** Whether the version fails only a lower bound: it is too old, so the other component must move first. */
    public boolean tooOld(String v) {
        boolean failsLower = false;
        for (Term t : terms) {
            if (!test(t, v)) {
                if (t.op == Op.GE || t.op == Op.GT) {
                    failsLower = true;
                } else {
                    return false;
                }
            }
        }
        return failsLower;
    }

    public boolean tooOld(Version v) {
        return tooOld(v.toString());
    }

    @Override
    public String toString() {
        return text;
    }
}
