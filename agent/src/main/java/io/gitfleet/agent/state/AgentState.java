package io.gitfleet.agent.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the agent keeps across crashes and reboots: the task, the version written into each slot, versions
 * installed by the command installer, versions the bootloader fell back from, and retry nonces already used.
 * {@code slotDigests} and {@code installedDigests} are the sha256 of the image behind those versions (a state saved
 * before they existed has none: the node then reports no digest, and the version alone decides).
 */
public record AgentState(int format, Task task, Map<String, String> slotVersions,
                         Map<String, String> installedVersions, Map<String, List<String>> failedVersions,
                         List<String> seenNonces, Map<String, String> slotDigests,
                         Map<String, String> installedDigests) {
    public static final int FORMAT = 1;

    public AgentState {
        slotVersions = slotVersions == null ? Map.of() : Map.copyOf(slotVersions);
        installedVersions = installedVersions == null ? Map.of() : Map.copyOf(installedVersions);
        failedVersions = failedVersions == null ? Map.of() : Map.copyOf(failedVersions);
        seenNonces = seenNonces == null ? List.of() : List.copyOf(seenNonces);
        slotDigests = slotDigests == null ? Map.of() : Map.copyOf(slotDigests);
        installedDigests = installedDigests == null ? Map.of() : Map.copyOf(installedDigests);
    }

    public static AgentState fresh() {
        return new AgentState(FORMAT, null, null, null, null, null, null, null);
    }

    /** The slot now holds {@code version}, from the image whose sha256 is {@code digest} (null: unknown). */
    public AgentState withSlotImage(String slot, String version, String digest) {
        Map<String, String> d = new HashMap<>(slotDigests);
        if (digest == null) {
            d.remove(slot);
        } else {
            d.put(slot, digest);
        }
        AgentState s = withSlotVersion(slot, version);
        return new AgentState(format, task, s.slotVersions, installedVersions, failedVersions, seenNonces, d,
                installedDigests);
    }

    /** The command installer installed {@code version} of {@code component}, from the image {@code digest}. */
    public AgentState withInstalledImage(String component, String version, String digest) {
        Map<String, String> d = new HashMap<>(installedDigests);
        if (digest == null) {
            d.remove(component);
        } else {
            d.put(component, digest);
        }
        AgentState s = withInstalled(component, version);
        return new AgentState(format, task, slotVersions, s.installedVersions, failedVersions, seenNonces,
                slotDigests, d);
    }

    public AgentState withTask(Task t) {
        return new AgentState(format, t, slotVersions, installedVersions, failedVersions, seenNonces, slotDigests,
                installedDigests);
    }

    public AgentState withSlotVersion(String slot, String version) {
        Map<String, String> m = new HashMap<>(slotVersions);
        m.put(slot, version);
        // a version set without its image: whatever digest the slot had is no longer known to match
        Map<String, String> d = new HashMap<>(slotDigests);
        d.remove(slot);
        return new AgentState(format, task, m, installedVersions, failedVersions, seenNonces, d, installedDigests);
    }

    /** The slot's content is being replaced: it holds no known version any more. */
    public AgentState withoutSlotVersion(String slot) {
        Map<String, String> m = new HashMap<>(slotVersions);
        m.remove(slot);
        Map<String, String> d = new HashMap<>(slotDigests);
        d.remove(slot);
        return new AgentState(format, task, m, installedVersions, failedVersions, seenNonces, d, installedDigests);
    }

    public AgentState withInstalled(String component, String version) {
        Map<String, String> m = new HashMap<>(installedVersions);
        m.put(component, version);
        Map<String, String> d = new HashMap<>(installedDigests);
        d.remove(component);
        return new AgentState(format, task, slotVersions, m, failedVersions, seenNonces, slotDigests, d);
    }

    /** The command installer's rollback ran: which version of {@code component} runs now is not known here. */
    public AgentState withoutInstalled(String component) {
        Map<String, String> m = new HashMap<>(installedVersions);
        m.remove(component);
        Map<String, String> d = new HashMap<>(installedDigests);
        d.remove(component);
        return new AgentState(format, task, slotVersions, m, failedVersions, seenNonces, slotDigests, d);
    }

    public AgentState withFailedVersion(String component, String version) {
        Map<String, List<String>> m = new HashMap<>(failedVersions);
        List<String> list = new ArrayList<>(m.getOrDefault(component, List.of()));
        if (!list.contains(version)) {
            list.add(version);
        }
        m.put(component, list);
        return new AgentState(format, task, slotVersions, installedVersions, m, seenNonces, slotDigests,
                installedDigests);
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
        return new AgentState(format, task, slotVersions, installedVersions, m, nonces, slotDigests,
                installedDigests);
    }

    public boolean fellBackFrom(String component, String version) {
        return failedVersions.getOrDefault(component, List.of()).contains(version);
    }
}
