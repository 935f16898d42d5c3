package io.gitfleet.reconciler.store;

import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A mutation that shows lost updates and duplicate transitions: it counts its calls in the upgrade's message
 * (a lost update leaves the count short) and moves node {@code n-K} Pending → Instructed only if no row exists
 * yet (a replayed stale result would log that transition twice).
 */
public final class RaceMutation implements StatusMutation {
    static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private final int k;

    public RaceMutation(int k) {
        this.k = k;
    }

    @Override
    public StatusUpdate apply(StatusView current) throws java.io.IOException {
        UpgradeStatus.State s = current.upgrade("race").map(UpgradeStatus::status).orElse(null);
        int count = s == null ? 0 : Integer.parseInt(s.message());
        List<UpgradeStatus.NodeRow> rows = new ArrayList<>(s == null ? List.of() : s.nodes());
        String node = "n-" + k;
        StatusUpdate u = new StatusUpdate();
        if (rows.stream().noneMatch(r -> r.node().equals(node))) {
            rows.add(new UpgradeStatus.NodeRow(node, null, NodePhase.Instructed, null, null, null, null, null, null,
                    1, null, null, null, null, AT, List.of()));
            u.events(List.of("race: " + node + " Pending → Instructed"));
        }
        rows.sort(Comparator.comparing(UpgradeStatus.NodeRow::node));
        u.put(UpgradeStatus.of("race", new UpgradeStatus.State(UpgradePhase.RollingOut, null,
                Integer.toString(count + 1), "os", null, null, null, AT, null, rows)));
        return u.approvedCommit("0123456789abcdef0123456789abcdef01234567");
    }
}
