package io.gitfleet.reconciler.git;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.TrackingRefUpdate;
import org.eclipse.jgit.transport.Transport;

/**
 * Fetches branches of the fleet repo into {@code refs/remotes/origin/*} of the local mirror. Forced updates are
 * taken as they are: judging a force-push is the approval check's job, not the fetch's.
 */
public final class FetchFleetCommand {
    public static final String TRACKING = "refs/remotes/origin/";

    private final Repository repo;
    private String url;
    private GitAuth auth = GitAuth.NONE;
    private List<String> branches = List.of();
    private org.eclipse.jgit.lib.ProgressMonitor progress = NullProgressMonitor.INSTANCE;

    public FetchFleetCommand(Repository repo) {
        this.repo = repo;
    }

    public FetchFleetCommand setUrl(String url) {
        this.url = url;
        return this;
    }

    public FetchFleetCommand setAuth(GitAuth auth) {
        this.auth = auth;
        return this;
    }

    /** Only these branches (short names); empty means every branch, pruning deleted ones. */
    public FetchFleetCommand setBranches(List<String> branches) {
        this.branches = List.copyOf(branches);
        return this;
    }

    /** Where a long fetch shows its progress ({@link TransferProgress}); none by default. */
    public FetchFleetCommand setProgress(org.eclipse.jgit.lib.ProgressMonitor progress) {
        this.progress = progress;
        return this;
    }

    /** @return tracking ref → new id for every ref the fetch moved */
    public Map<String, ObjectId> call() throws FetchFailedException {
        List<RefSpec> specs = new ArrayList<>();
        if (branches.isEmpty()) {
            specs.add(new RefSpec("+refs/heads/*:" + TRACKING + "*"));
        } else {
            for (String b : branches) {
                specs.add(new RefSpec("+refs/heads/" + b + ":" + TRACKING + b));
            }
        }
        try (Transport t = Transport.open(repo, url)) {
            auth.configure(t);
            t.setTagOpt(TagOpt.NO_TAGS);
            t.setRemoveDeletedRefs(branches.isEmpty());
            FetchResult r = t.fetch(progress, specs);
            TransferProgress.finished(progress);
            Map<String, ObjectId> moved = new TreeMap<>();
            for (TrackingRefUpdate u : r.getTrackingRefUpdates()) {
                moved.put(u.getLocalName(), u.getNewObjectId());
            }
            return moved;
        } catch (Exception e) {
            throw new FetchFailedException(url, e);
        }
    }
}
