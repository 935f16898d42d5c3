package io.gitfleet.schema;

import com.fasterxml.jackson.annotation.JsonAlias;
import java.time.Instant;
import java.util.List;

/**
 * {@code fleet.yaml} on the status branch: the approved commit the reconciler last acted on, conditions such as
 * a stall after a history rewrite, the fleet repo's load problems, and the lease of the acting replica.
 */
public record FleetStatus(String apiVersion, String kind, Metadata metadata, State status) implements Document {
    public static final String KIND = "FleetStatus";

    public static FleetStatus of(State state) {
        return new FleetStatus(API_VERSION, KIND, Metadata.named("fleet"), state);
    }

    /**
     * @param approvedCommit the approved commit the reconciler acts on (read also under its old name,
     *                       {@code lastAppliedCommit}, so a status branch written by an older version loads)
     */
    public record State(String approvedBranch, @JsonAlias("lastAppliedCommit") String approvedCommit, String observedCommit,
                        List<Condition> conditions, List<Problem> problems, Lease lease) {
        public State {
            conditions = conditions == null ? List.of() : List.copyOf(conditions);
            problems = problems == null ? List.of() : List.copyOf(problems);
        }
    }

    public enum ConditionType { Ready, Stalled, Waiting }

    /** {@code Stalled} needs a person; {@code Waiting} clears by itself; {@code Ready} means the last pass applied. */
    public record Condition(ConditionType type, String reason, String message, Instant since) {
    }

    /**
     * Which replica acts; others serve reads until {@code renewedAt + duration} passes.
     *
     * @param url where the holder takes agent requests (what standby replicas forward to), or null
     */
    public record Lease(String holder, String url, Instant acquiredAt, Instant renewedAt, String duration) {
    }
}
