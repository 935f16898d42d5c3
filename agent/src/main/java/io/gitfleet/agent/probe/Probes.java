package io.gitfleet.agent.probe;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The node's version probes and what they last read. Probes run when the agent is idle (before a report) and when
 * it decides on an instruction; a working agent's progress reports reuse the last reading, so a slow probe never
 * slows an install. {@link #stale()} makes the next reading fresh (a task ended, the node booted).
 */
public final class Probes {
    private final Map<String, VersionProbe> probes;
    private final Map<String, Map<String, String>> env;
    private Map<String, ProbeResult> last;

    /** {@code probes} by component, in config order; {@code env} is each one's environment. */
    public Probes(Map<String, VersionProbe> probes, Map<String, Map<String, String>> env) {
        this.probes = new LinkedHashMap<>(probes);
        this.env = Map.copyOf(env);
    }

    public boolean isEmpty() {
        return probes.isEmpty();
    }

    /** Reads every probe now; {@code booted} is added to each one's environment (which slot the node booted). */
    public synchronized Map<String, ProbeResult> read(Map<String, String> booted) {
        Map<String, ProbeResult> out = new LinkedHashMap<>();
        probes.forEach((component, probe) -> {
            Map<String, String> e = new java.util.HashMap<>(env.getOrDefault(component, Map.of()));
            e.putAll(booted);
            ProbeResult r;
            try {
                r = probe.read(e);
            } catch (RuntimeException unexpected) {
                // a probe's failure is an unknown version, whatever it is: never the agent's end
                r = ProbeResult.unknown("the probe failed: " + unexpected);
            }
            out.put(component, r);
        });
        last = out;
        return out;
    }

    /** The last reading, or a fresh one when there is none yet or it went stale. */
    public synchronized Map<String, ProbeResult> lastOrRead(Map<String, String> booted) {
        return last == null ? read(booted) : last;
    }

    public synchronized void stale() {
        last = null;
    }
}
