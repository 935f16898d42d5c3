package io.gitfleet.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How fast and in what order an upgrade moves. Fields are nullable so that an upgrade's strategy can
 * fall back field by field to the fleet's defaults and then to {@link #BUILT_IN}.
 */
public record Strategy(Order order, Integer maxUnavailable, Integer batchSize, Canary canary,
                       Boolean stopOnFailure, Integer failureBudget) {

    /** What applies when neither the upgrade nor the fleet says otherwise. */
    public static final Strategy BUILT_IN = new Strategy(Order.WORKERS_FIRST, 1, null, null, true, 0);

    public enum Order {
        @JsonProperty("workers-first") WORKERS_FIRST,
        @JsonProperty("controllers-first") CONTROLLERS_FIRST,
        @JsonProperty("listed") LISTED
    }

    public enum Promote {
        @JsonProperty("manual") MANUAL,
        @JsonProperty("auto") AUTO
    }

    public record Canary(int nodes, Promote promote) {
        public Canary {
            promote = promote == null ? Promote.MANUAL : promote;
        }
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
                failureBudget != null ? failureBudget : fallback.failureBudget);
    }
}
