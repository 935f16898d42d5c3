package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.git.ManifestHistory;
import io.gitfleet.schema.UpgradeStatus;
import io.gitfleet.webhooks.CommitState;
import io.gitfleet.webhooks.StatusPoster;
import io.gitfleet.webhooks.SyncCoalescer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A forge commit status per upgrade, {@code gitfleet/upgrade/NAME}, that follows its rollout: pending while it
 * runs, success when it Succeeded, failure when it Failed, was Rejected, Cancelled or RolledBack. It is set on the
 * commit of the approved branch that last changed {@code upgrades/NAME.yaml} (the merge of the pull request that
 * proposed it, or of the one that last edited it), and posted again only when the upgrade's phase or reason
 * changes. When a later commit changes the manifest, the status moves there, and the earlier commit, if it was
 * still pending, is closed as superseded. The work (reading history, posting) happens on the forge's thread: a
 * pass only hands over its result.
 */
final class RolloutStatuses {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutStatuses.class);
    static final String CONTEXT = "gitfleet/upgrade/";

    private record Wanted(String acceptedCommit, Collection<UpgradeStatus> upgrades) {
    }

    private final ManifestHistory history;
    private final StatusPoster poster;
    private final SyncCoalescer.Scheduler thread;
    private final String targetUrl;
    private final AtomicReference<Wanted> latest = new AtomicReference<>();

    RolloutStatuses(Repository repo, StatusPoster poster, SyncCoalescer.Scheduler thread, String targetUrl) {
        this.history = new ManifestHistory(repo);
        this.poster = poster;
        this.thread = thread;
        this.targetUrl = targetUrl;
    }

    /** A pass's result: the accepted commit and every upgrade's status. Returns at once. */
    void show(String acceptedCommit, Collection<UpgradeStatus> upgrades) {
        if (acceptedCommit == null || upgrades == null) {
            return;
        }
        if (latest.getAndSet(new Wanted(acceptedCommit, List.copyOf(upgrades))) == null) {
            thread.schedule(this::work, 0);
        }
    }

    private void work() {
        Wanted w = latest.getAndSet(null);
        if (w == null) {
            return;
        }
        try {
            poster.want(wanted(w));
        } catch (IOException | RuntimeException e) {
            LOG.warn("forge: the rollout statuses could not be worked out: {}", e.getMessage());
        }
    }

    private List<StatusPoster.Status> wanted(Wanted w) throws IOException {
        ObjectId head = ObjectId.fromString(w.acceptedCommit());
        List<StatusPoster.Status> out = new ArrayList<>();
        Map<String, String> current = new HashMap<>();
        Map<String, ObjectId> changes = history.lastChanges(head, w.upgrades().stream()
                .map(RolloutStatuses::manifest).toList());
        for (UpgradeStatus u : w.upgrades()) {
            ObjectId change = changes.get(manifest(u));
            if (change != null) {
                StatusPoster.Status s = of(change.name(), u, targetUrl);
                current.put(s.context(), s.sha());
                out.add(s);
            }
        }
        // an earlier commit of the same upgrade left pending: close it, naming the commit the status moved to
        for (StatusPoster.Status before : poster.posted().values()) {
            String now = current.get(before.context());
            if (now != null && !now.equals(before.sha()) && before.state() == CommitState.PENDING) {
                out.add(new StatusPoster.Status(before.sha(), before.context(), CommitState.SUCCESS,
                        "Superseded by " + now.substring(0, 12) + ", a later change of this upgrade: its status "
                                + "follows the rollout there", targetUrl, "superseded " + now));
            }
        }
        return out;
    }

    private static String manifest(UpgradeStatus u) {
        return "upgrades/" + u.metadata().name() + ".yaml";
    }

    /**
     * The status of one upgrade as the forge shows it, linked to the upgrade's view on the dashboard when the server's
     * public URL is known; {@code change} is what must move for it to be posted again.
     */
    static StatusPoster.Status of(String sha, UpgradeStatus u, String targetUrl) {
        UpgradeStatus.State s = u.status();
        CommitState state = switch (s.phase()) {
            case Succeeded -> CommitState.SUCCESS;
            case Failed, Rejected, Cancelled, RolledBack -> CommitState.FAILURE;
            default -> CommitState.PENDING;
        };
        StringBuilder d = new StringBuilder(s.phase().name());
        if (s.reason() != null) {
            d.append(" (").append(s.reason()).append(')');
        }
        UpgradeStatus.Counts c = s.counts();
        if (c != null && c.total() > 0) {
            d.append(": ").append(c.completed() + c.skipped()).append('/').append(c.total()).append(" nodes done");
            if (c.failed() > 0) {
                d.append(", ").append(c.failed()).append(" failed");
            }
        }
        if (s.message() != null && !s.message().isBlank()) {
            d.append(c != null && c.total() > 0 ? "; " : ": ").append(s.message());
        }
        String link = targetUrl == null ? null
                : (targetUrl.endsWith("/") ? targetUrl : targetUrl + "/") + "#/upgrade/" + u.metadata().name();
        return new StatusPoster.Status(sha, CONTEXT + u.metadata().name(), state, d.toString(), link,
                s.phase() + (s.reason() == null ? "" : "/" + s.reason()));
    }
}
