package io.gitfleet.agent.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the agent keeps across crashes and reboots: the task, the version written into each slot, versions
 * installed by the command installer, versions the bootloader fell back from, and retry nonces already used.
 */
public record AgentState(int format, Task task, Map<String, String> slotVersions,
                         Map<String, String> installedVersions, Map<String, List<String>> failedVersions,
                         List<String> seenNonces) {
    public static final int FORMAT = 1;

    public AgentState {
        slotVersions = slotVersions == null ? Map.of() : Map.copyOf(slotVersions);
        installedVersions = installedVersions == null ? Map.of() : Map.copyOf(installedVersions);
        failedVersions = failedVersions == null ? Map.of() : Map.copyOf(failedVersions);
        seenNonces = seenNonces == null ? List.of() : List.copyOf(seenNonces);
    }

    public static AgentState fresh() {
        return new AgentState(FORMAT, null, null, null, null, null);
    }

    public AgentState withTask(Task t) {
        return new AgentState(format, t, slotVersions, installedVersions, failedVersions, seenNonces);
    }

    public AgentState withSlotVersion(String slot, String version) {
        Map<String, String> m = new HashMap<>(slotVersions);
        m.put(slot, version);
        return new AgentState(format, task, m, installedVersions, failedVersions, seenNonces);
    }

    /** The slot's content is being replaced: it holds no known version any more. */
    public AgentState withoutSlotVersion(String slot) {
        Map<String, String> m = new HashMap<>(slotVersions);
        m.remove(slot);
        return new AgentState(format, task, m, installedVersions, failedVersions, seenNonces);
    }

    public AgentState withInstalled(String component, String version) {
        Map<String, String> m = new HashMap<>(installedVersions);
        m.put(component, version);
        return new AgentState(format, task, slotVersions, m, failedVersions, seenNonces);
    }

    public AgentState withFailedVersion(String component, String version) {
        Map<String, List<String>> m = new HashMap<>(failedVersions);
        List<String> list = new ArrayList<>(m.getOrDefault(component, List.of()));
        if (!list.contains(version)) {
            list.add(version);
        }
        m.put(component, list);
        return new AgentState(format, task, slotVersions, installedVersions, m, seenNonces);
    }

    /** An operator's explicit retry: the nonce is remembered and the version may be tried again. */
    public AgentState withRetry(String nonce, String component, String version) {
        List<String> nonces = new ArrayList<>(seenNonces);
        nonces.add(nonce);
        if (nonces.size() > 64) {
            nonces.remove(0);
        }
        Map<String, List<String>> m = new HashMap<>(failedVersions);
        List<String> list = new ArrayList<>(m.getOrDefault(component, List.of()));
        list.remove(version);
        if (list.isEmpty()) {
            m.remove(component);
        } else {
            m.put(component, list);
        }
        return new AgentState(format, task, slotVersions, installedVersions, m, nonces);
    }

    public boolean fellBackFrom(String component, String version) {
        return failedVersions.getOrDefault(component, List.of()).contains(version);
    }
}
