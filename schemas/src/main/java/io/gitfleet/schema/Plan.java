package io.gitfleet.schema;

import java.util.List;

/** {@code plans/pr-N.yaml} on the status branch: the dry run of a pull request. */
public record Plan(String apiVersion, String kind, Metadata metadata, State status) implements Document {
    public static final String KIND = "Plan";

    public static Plan of(String name, State state) {
        return new Plan(API_VERSION, KIND, Metadata.named(name), state);
    }

    public record State(Integer pullRequest, String headCommit, String baseCommit, boolean ok, List<Problem> problems,
                        List<Row> rows, List<Forecast> forecasts) {
        public State {
            problems = problems == null ? List.of() : List.copyOf(problems);
            rows = rows == null ? List.of() : List.copyOf(rows);
            forecasts = forecasts == null ? List.of() : List.copyOf(forecasts);
        }

        public State(Integer pullRequest, String headCommit, String baseCommit, boolean ok, List<Problem> problems,
                     List<Row> rows) {
            this(pullRequest, headCommit, baseCommit, ok, problems, rows, null);
        }
    }

    /**
     * How long one upgrade is expected to take, from a simulation with the real planner: {@code reboots} nodes
     * switched ({@code controllers} of them controllers), each taking {@code perNode} ({@code basis} says where that
     * came from), over {@code windows} window openings, done after {@code duration} at {@code finish}; or a
     * {@code message} saying why there is no estimate.
     */
    public record Forecast(String upgrade, Integer reboots, Integer controllers, String perNode, String basis,
                           Integer windows, String duration, java.time.Instant finish, String message) {
    }

    /** One node of one upgrade as the plan would move it (or why it would not). */
    public record Row(String upgrade, UpgradePhase upgradePhase, String node, Role role, String from, String to,
                      Integer order, Integer batch, Boolean canary, String phase, String message) {
    }
}
