package io.gitfleet.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;

/** {@code fleet.yaml}: branches, approval policy, disruption budget and defaults of the whole fleet. */
public record Fleet(String apiVersion, String kind, Metadata metadata, Spec spec) implements Document {
    public static final String KIND = "Fleet";

    public Fleet {
        spec = spec == null ? Spec.DEFAULT : spec;
    }

    /** The fleet used when the repo has no {@code fleet.yaml} worth reading. */
    public static Fleet defaults() {
        return new Fleet(API_VERSION, KIND, Metadata.named("fleet"), Spec.DEFAULT);
    }

    public record Spec(String approvedBranch, String statusBranch, Approval approval,
                       DisruptionBudget disruptionBudget, String nodeTimeout, String silentAfter,
                       Defaults defaults) {
        static final Spec DEFAULT = new Spec(null, null, null, null, null, null, null);

        public Spec {
            approvedBranch = approvedBranch == null ? "main" : approvedBranch;
            statusBranch = statusBranch == null ? "gitfleet/status" : statusBranch;
            approval = approval == null ? new Approval(null, null, null, null) : approval;
            disruptionBudget = disruptionBudget == null ? new DisruptionBudget(null) : disruptionBudget;
            nodeTimeout = nodeTimeout == null ? "15m" : nodeTimeout;
            silentAfter = silentAfter == null ? "2m" : silentAfter;
            defaults = defaults == null ? new Defaults(null) : defaults;
        }

        /** A disrupted node silent this long is Failed. */
        public Duration nodeTimeoutDuration() {
            return Durations.parse(nodeTimeout);
        }

        /** A node with no report this long counts as silent (controllers: quorum is at risk). */
        public Duration silentAfterDuration() {
            return Durations.parse(silentAfter);
        }
    }

    public enum SignedCommits {
        @JsonProperty("none") NONE,
        @JsonProperty("first-parent") FIRST_PARENT,
        @JsonProperty("all") ALL
    }

    /**
     * How approvals are trusted. {@code maxAge} (a duration, absent = no limit): when the newest approved commit is
     * older, nothing new starts, so a branch frozen in the past (a replayed or withheld repo) cannot move nodes.
     */
    public record Approval(SignedCommits signedCommits, String allowedSignersFile, List<String> openpgpFingerprints,
                           String maxAge) {
        public Approval {
            signedCommits = signedCommits == null ? SignedCommits.NONE : signedCommits;
            allowedSignersFile = allowedSignersFile == null ? ".gitfleet/allowed_signers" : allowedSignersFile;
            openpgpFingerprints = openpgpFingerprints == null ? List.of() : List.copyOf(openpgpFingerprints);
        }

        public Approval(SignedCommits signedCommits, String allowedSignersFile, List<String> openpgpFingerprints) {
            this(signedCommits, allowedSignersFile, openpgpFingerprints, null);
        }

        /** {@code maxAge} as a duration; empty when the fleet sets no limit. */
        public java.util.Optional<Duration> maxAgeDuration() {
            return maxAge == null ? java.util.Optional.empty() : java.util.Optional.of(Durations.parse(maxAge));
        }
    }

    /** Nodes in a disruptive phase at once across all upgrades; absent means no fleet-wide limit. */
    public record DisruptionBudget(Integer maxUnavailable) {
    }

    public record Defaults(Strategy strategy) {
    }
}
