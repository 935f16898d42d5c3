package io.gitfleet.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A count of nodes written as a number ({@code 2}) or as a share of the nodes an upgrade selects ({@code "25%"}).
 * How a share becomes a count is the caller's rule (docs/planner.md, "Percentages"): limits round down, with at
 * least one node where zero would stall the rollout; canaries and phases round up.
 */
public record Amount(int value, boolean percent) {
    public Amount {
        if (value < 0) {
            throw new IllegalArgumentException("must not be negative: " + value);
        }
    }

    public static Amount of(Integer count) {
        return count == null ? null : new Amount(count, false);
    }

    public static Amount percent(int p) {
        return new Amount(p, true);
    }

    /** Reads {@code 3}, {@code "3"} or {@code "25%"}; the schema has already checked the shape. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Amount parse(Object raw) {
        if (raw instanceof Number n) {
            // a whole number past an int (YAML reads 99999999999999999999 as a BigInteger) is refused, not wrapped
            if (!(n instanceof Integer || n instanceof Short || n instanceof Byte)
                    && (!(n instanceof Long) || n.longValue() > Integer.MAX_VALUE || n.longValue() < Integer.MIN_VALUE)) {
                throw new IllegalArgumentException(n + " is too large for this field");
            }
            return new Amount(n.intValue(), false);
        }
        String s = String.valueOf(raw).trim();
        try {
            if (s.endsWith("%")) {
                return new Amount(Integer.parseInt(s.substring(0, s.length() - 1).trim()), true);
            }
            return new Amount(Integer.parseInt(s), false);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is neither a number of nodes nor a percentage like \"25%\"");
        }
    }

    @JsonValue
    public Object json() {
        return percent ? value + "%" : (Object) value;
    }

    /** The share of {@code total}, rounded down. A plain count is returned as it is. */
    public int floor(int total) {
        return percent ? (int) ((long) value * total / 100) : value;
    }

    /** The share of {@code total}, rounded up. A plain count is returned as it is. */
    public int ceil(int total) {
        return percent ? (int) (((long) value * total + 99) / 100) : value;
    }

    /** Rounded down but at least 1: a limit that must let the rollout move (a non-zero share of a small fleet). */
    public int floorAtLeastOne(int total) {
        return Math.max(1, floor(total));
    }

    @Override
    public String toString() {
        return percent ? value + "%" : Integer.toString(value);
    }
}
