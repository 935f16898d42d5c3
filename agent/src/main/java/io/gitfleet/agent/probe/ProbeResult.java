package io.gitfleet.agent.probe;

/**
 * What a probe read: the version, or why it is unknown. An unknown version is an expected outcome (a missing file,
 * a command that failed), never an exception: the node reports it and the reconciler proceeds.
 */
public record ProbeResult(String version, String unknownReason) {
    /** The longest version a report may carry (the report schema's limit). */
    public static final int MAX_VERSION = 128;
    /** The longest reason kept for the report. */
    public static final int MAX_REASON = 512;

    public static ProbeResult known(String version) {
        return new ProbeResult(version, null);
    }

    public static ProbeResult unknown(String reason) {
        String r = reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON - 1) + "…";
        return new ProbeResult(null, r);
    }

    public boolean isKnown() {
        return version != null;
    }

    /**
     * The version as {@code what} printed it, trimmed: one line of printable text up to {@value #MAX_VERSION}
     * characters, else unknown with the reason.
     */
    static ProbeResult of(String what, String raw) {
        String v = raw == null ? "" : raw.strip();
        if (v.isEmpty()) {
            return unknown(what + " gave an empty version");
        }
        if (v.length() > MAX_VERSION) {
            return unknown(what + " gave a version longer than " + MAX_VERSION + " characters");
        }
        for (int i = 0; i < v.length(); i++) {
            if (Character.isISOControl(v.charAt(i))) {
                return unknown(what + " gave more than one line or control characters, not a version: '"
                        + v.substring(0, Math.min(v.length(), 60)).replaceAll("\\p{Cntrl}", "␤") + "'");
            }
        }
        return known(v);
    }
}
