package io.gitfleet.schema;

import java.util.List;

/** {@code plans/pr-N.yaml} on the status branch: the dry run of a pull request. */
public record Plan(String apiVersion, String kind, Metadata metadata, State status) implements Document {
    public static final String KIND = "Plan";

    public static Plan of(String name, State state) {
        return new Plan(API_VERSION, KIND, Metadata.named(name), state);
    }

    public record State(Integer pullRequest, String headCommit, String baseCommit, boolean ok, List<Problem> problems,
                        List<Row> rows) {
        public State {
            problems = problems == null ? List.of() : List.copyOf(problems);
            rows = rows == null ? List.of() : List.copyOf(rows);
        }
    }

    /** One node of one upgrade as the plan would move it (or why it would not). */
    public record Row(String upgrade, UpgradePhase upgradePhase, String node, Role role, String from, String to,
                      Integer order, Integer batch, Boolean canary, String phase, String message) {
    }
}
