package io.gitfleet.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * How fast and in what order an upgrade moves. Fields are nullable so that an upgrade's strategy can
 * fall back field by field to the fleet's defaults and then to {@link #BUILT_IN}.
 *
 * @param staging            when set, nodes download, write and verify ahead (outside the disruption budget);
 *                           only the boot switch and reboot take a disruption slot
 * @param maxStaging         nodes staging ahead at once (default 10 %, at least 1)
 * @param expectedDisruption how long one node is expected to be disrupted when the status branch has no history
 * @param settle             the pause after a node completes before the next boot switch of this upgrade
 * @param deadline           how long the rollout may take from its first start
 */
public record Strategy(Order order, Amount maxUnavailable, Amount batchSize, Canary canary, Boolean stopOnFailure,
                       Amount failureBudget, List<Phase> phases, Staging staging, Amount maxStaging,
                       String expectedDisruption, String settle, List<Gate> gates, String deadline) {

    /** What applies when neither the upgrade nor the fleet says otherwise. */
    public static final Strategy BUILT_IN = new Strategy(Order.WORKERS_FIRST, 1, null, null, true, 0);

    public Strategy {
        phases = phases == null ? List.of() : List.copyOf(phases);
        gates = gates == null ? List.of() : List.copyOf(gates);
    }

    /** The strategy as it was before percentages, phases and staging. */
    public Strategy(Order order, Integer maxUnavailable, Integer batchSize, Canary canary, Boolean stopOnFailure,
                    Integer failureBudget) {
        this(order, Amount.of(maxUnavailable), Amount.of(batchSize), canary, stopOnFailure, Amount.of(failureBudget),
                null, null, null, null, null, null, null);
    }

    public enum Order {
        @JsonProperty("workers-first") WORKERS_FIRST,
        @JsonProperty("controllers-first") CONTROLLERS_FIRST,
        @JsonProperty("listed") LISTED
    }

    public enum Promote {
        @JsonProperty("manual") MANUAL,
        @JsonProperty("auto") AUTO
    }

    /** {@code anytime}: stage outside the window too; {@code window}: stage only while the window is open. */
    public enum Staging {
        @JsonProperty("anytime") ANYTIME,
        @JsonProperty("window") WINDOW
    }

    /** The first nodes disrupted; {@code selector} restricts which nodes may be canaries. */
    public record Canary(Amount nodes, Promote promote, Upgrade.Selector selector) {
        public Canary {
            promote = promote == null ? Promote.MANUAL : promote;
        }

        public Canary(int nodes, Promote promote) {
            this(Amount.of(nodes), promote, null);
        }
    }

    /**
     * One step of a phased rollout: the phase ends when {@code nodes} (or {@code percent} of the selected nodes,
     * rounded up) have been upgraded; the next one starts after {@code soak}, when the gates pass, and, with
     * {@code promote: manual}, once {@code spec.promotedPhase} reaches this phase's number.
     */
    public record Phase(Integer nodes, Integer percent, String soak, Promote promote) {
        public Phase {
            promote = promote == null ? Promote.AUTO : promote;
        }

        /** How many nodes are upgraded once this phase is done, out of {@code total}. */
        public int target(int total) {
            return nodes != null ? Math.min(nodes, total) : Amount.percent(percent).ceil(total);
        }

        @Override
        public String toString() {
            return nodes != null ? nodes + (nodes == 1 ? " node" : " nodes") : percent + "%";
        }
    }

    /** An external check run by the reconciler before a promotion: exactly one of command or prometheus. */
    public record Gate(List<String> command, String timeout, Prometheus prometheus) {
        public Gate {
            command = command == null ? null : List.copyOf(command);
        }

        @Override
        public String toString() {
            return command != null ? "command " + String.join(" ", command) : "prometheus " + prometheus.query();
        }
    }

    /** An instant query that must return an empty vector: anything it returns is a reason not to go on. */
    public record Prometheus(String url, String query) {
    }

    /** This strategy with every missing field taken from {@code fallback}. */
    public Strategy orElse(Strategy fallback) {
        if (fallback == null) {
            return this;
        }
        return new Strategy(
                order != null ? order : fallback.order,
                maxUnavailable != null ? maxUnavailable : fallback.maxUnavailable,
                batchSize != null ? batchSize : fallback.batchSize,
                canary != null ? canary : fallback.canary,
                stopOnFailure != null ? stopOnFailure : fallback.stopOnFailure,
                failureBudget != null ? failureBudget : fallback.failureBudget,
                !phases.isEmpty() ? phases : fallback.phases,
                staging != null ? staging : fallback.staging,
                maxStaging != null ? maxStaging : fallback.maxStaging,
                expectedDisruption != null ? expectedDisruption : fallback.expectedDisruption,
                settle != null ? settle : fallback.settle,
                !gates.isEmpty() ? gates : fallback.gates,
                deadline != null ? deadline : fallback.deadline);
    }
}
