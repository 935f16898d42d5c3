package io.gitfleet.approval;

import io.gitfleet.schema.Durations;
import io.gitfleet.schema.Fleet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * {@code approval.maxAge}: an approved branch whose newest approved commit is older than this is treated as frozen
 * (a mirror replaying the past, a Git host withholding new commits), and nothing new starts. The commit date is
 * inside the signed commit, so only a holder of a signing key can renew it — an empty signed commit will do.
 */
public final class Freshness {
    private Freshness() {
    }

    /**
     * @param policy      the approval policy at the approved commit
     * @param commit      the newest approved commit (its id, for the sentence)
     * @param committedAt its committer date
     * @return empty when fresh (or no limit is set); otherwise why nothing new may start
     */
    public static Optional<String> stale(Fleet.Approval policy, String commit, Instant committedAt, Instant now) {
        Optional<Duration> maxAge = policy.maxAgeDuration();
        if (maxAge.isEmpty() || !committedAt.plus(maxAge.get()).isBefore(now)) {
            return Optional.empty();
        }
        return Optional.of("the newest approved commit " + commit + " was committed at "
                + committedAt.truncatedTo(ChronoUnit.SECONDS) + ", more than " + Durations.format(maxAge.get())
                + " ago (approval.maxAge in fleet.yaml); nothing new starts until a signed commit renews the approval"
                + " (an empty one will do)");
    }
}
