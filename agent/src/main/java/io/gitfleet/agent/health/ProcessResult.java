package io.gitfleet.agent.health;

/** How a command ended: its exit code (or -1 when killed on timeout) and the tail of its merged output. */
public record ProcessResult(int exitCode, boolean timedOut, String tail) {
    public boolean ok() {
        return !timedOut && exitCode == 0;
    }

    /** One line for a report: what failed and the last of its output. */
    public String describe(String what) {
        return describe(what, Integer.MAX_VALUE);
    }

    /** As {@link #describe(String)}, keeping at most {@code maxTail} characters of the output's end. */
    public String describe(String what, int maxTail) {
        String head = timedOut ? what + " timed out" : what + " exited with " + exitCode;
        String t = tail.strip();
        if (t.length() > maxTail) {
            t = "…" + t.substring(t.length() - maxTail + 1);
        }
        return t.isBlank() ? head : head + ": " + t;
    }
}
