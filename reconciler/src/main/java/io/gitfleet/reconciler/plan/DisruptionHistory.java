package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.UpgradeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How long nodes were disrupted, learned from the status branch: every Completed install row of every upgrade,
 * from the start of its disruption (the boot switch was allowed, or the instruction for an install that was not
 * staged ahead) to Completed. A node's own latest time is the best guess for it; otherwise the median of the
 * {@value #RECENT} most recent nodes of its role.
 */
final class DisruptionHistory {
    static final int RECENT = 25;

    private record Sample(Instant at, Duration took) {
    }

    private final Map<String, Sample> byNode = new HashMap<>();
    private final Map<Role, Duration> byRole = new EnumMap<>(Role.class);

    DisruptionHistory(Collection<UpgradeStatus> statuses) {
        Map<Role, List<Sample>> roles = new EnumMap<>(Role.class);
        for (UpgradeStatus s : statuses) {
            for (UpgradeStatus.NodeRow r : s.status().nodes()) {
                Duration took = took(r);
                if (took == null) {
                    continue;
                }
                Sample sample = new Sample(r.since(), took);
                byNode.merge(r.node(), sample, (a, b) -> a.at().isAfter(b.at()) ? a : b);
                if (r.role() != null) {
                    roles.computeIfAbsent(r.role(), k -> new ArrayList<>()).add(sample);
                }
            }
        }
        roles.forEach((role, samples) -> {
            samples.sort(Comparator.comparing(Sample::at).reversed());
            List<Duration> recent = new ArrayList<>();
            for (int i = 0; i < Math.min(RECENT, samples.size()); i++) {
                recent.add(samples.get(i).took());
            }
            recent.sort(null);
            byRole.put(role, recent.get(recent.size() / 2));
        });
    }

    /** The disruption of one finished install, or null when the row does not tell. */
    static Duration took(UpgradeStatus.NodeRow r) {
        if (r.phase() != NodePhase.Completed || r.action() != Action.INSTALL || r.since() == null) {
            return null;
        }
        Instant start = r.activatedAt();
        if (start == null) {
            for (UpgradeStatus.Transition t : r.transitions()) {
                if (t.phase() == NodePhase.Instructed) {
                    start = t.at();
                }
            }
        }
        return start == null || start.isAfter(r.since()) ? null : Duration.between(start, r.since());
    }

    /** The node's own latest, else its role's median, else {@code fallback}. */
    Duration expected(String node, Role role, Duration fallback) {
        Sample own = byNode.get(node);
        if (own != null) {
            return own.took();
        }
        Duration r = role == null ? null : byRole.get(role);
        return r != null ? r : fallback;
    }

    /** The median of a role's recent nodes, or null without history. */
    Duration roleMedian(Role role) {
        return byRole.get(role);
    }
}
