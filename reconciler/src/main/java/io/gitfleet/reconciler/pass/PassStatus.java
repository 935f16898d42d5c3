package io.gitfleet.reconciler.pass;

import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.FleetStatus.Condition;
import io.gitfleet.schema.FleetStatus.ConditionType;
import io.gitfleet.schema.Problem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where a pass's fleet status is computed, failed passes included: a condition per problem met
 * (Stalled needs a person, Waiting clears by itself), else Ready; the commit acted on and the head seen; the fleet
 * repo's load problems. A condition keeps its {@code since} while it holds.
 */
final class PassStatus {
    private PassStatus() {
    }

    static FleetStatus summarize(PassState s, FleetStatus previous) {
        List<Condition> conditions = new ArrayList<>();
        for (PassFailure f : s.issues) {
            ConditionType type = f.kind() == FailureKind.STALL ? ConditionType.Stalled : ConditionType.Waiting;
            conditions.add(new Condition(type, f.reason(), f.message(), since(previous, type, f.reason(), s.now)));
        }
        if (conditions.isEmpty()) {
            conditions.add(new Condition(ConditionType.Ready, "Applied", "acting on " + s.approved.name() + " of "
                    + s.approvedBranch, since(previous, ConditionType.Ready, "Applied", s.now)));
        }
        FleetStatus.State before = previous == null ? null : previous.status();
        String applied = s.approved != null ? s.approved.name() : before == null ? null : before.approvedCommit();
        String branch = s.writtenFleet != null && s.writtenFleet.fleet().isPresent()
                ? s.writtenFleet.fleet().get().spec().approvedBranch() : s.approvedBranch;
        List<Problem> problems = s.writtenFleet != null ? s.writtenFleet.problems()
                : before == null ? List.of() : before.problems();
        return FleetStatus.of(new FleetStatus.State(branch, applied, s.head == null ? null : s.head.name(),
                conditions, problems, before == null ? null : before.lease()));
    }

    private static Instant since(FleetStatus previous, ConditionType type, String reason, Instant now) {
        if (previous != null) {
            for (Condition c : previous.status().conditions()) {
                if (c.type() == type && reason.equals(c.reason()) && c.since() != null) {
                    return c.since();
                }
            }
        }
        return now;
    }
}
