package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.git.FetchFailedException;
import io.gitfleet.reconciler.git.FetchFleetCommand;
import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.FleetReader;
import io.gitfleet.reconciler.plan.DryRun;
import io.gitfleet.reconciler.plan.FleetSnapshot;
import io.gitfleet.reconciler.store.StatusUpdate;
import io.gitfleet.reconciler.store.StatusWriter;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.Plan;
import io.gitfleet.schema.Problem;
import io.gitfleet.schema.UpgradeStatus;
import io.gitfleet.webhooks.ForgeClient;
import io.gitfleet.webhooks.PostPlanCommand;
import io.gitfleet.webhooks.WebhookEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The dry-run plan of a pull request: load the fleet at its head, validate it, plan it against the live fleet
 * (what nodes report and where every rollout stands), write {@code plans/pr-N.yaml} to the status branch, and
 * post a commit status and a comment with the plan table, so reviewers see what merging would do.
 */
public final class PullRequestPlans {
    private static final Logger LOG = Logger.getLogger(PullRequestPlans.class.getName());

    private final FleetMirror mirror;
    private final StatusWriter writer;
    private final ReportBook reports;
    private final ForgeClient forge;
    private final String publicUrl;

    public PullRequestPlans(FleetMirror mirror, StatusWriter writer, ReportBook reports, ForgeClient forge,
                            String publicUrl) {
        this.mirror = mirror;
        this.writer = writer;
        this.reports = reports;
        this.forge = forge;
        this.publicUrl = publicUrl;
    }

    /** Plans one pull request; runs on the pass thread, never on an event loop. */
    public Plan plan(WebhookEvent.PlanPullRequest pr, Map<String, UpgradeStatus> live, Instant now) {
        try {
            ObjectId head = resolveHead(pr);
            LoadedFleet fleet = FleetReader.load(mirror.repository(), head);
            Plan.State dry = DryRun.plan(FleetSnapshot.of(head.name(), fleet), reports.all(), live, now);
            ObjectId base = pr.baseRef() == null ? null
                    : mirror.repository().resolve(FetchFleetCommand.TRACKING + pr.baseRef());
            Plan plan = Plan.of("pr-" + pr.number(), new Plan.State(pr.number(), head.name(),
                    base == null ? null : base.name(), dry.ok(), dry.problems(), dry.rows(), dry.forecasts()));
            writer.submit(view -> new StatusUpdate().put(plan)
                    .events(List.of("plans/pr-" + pr.number() + ": planned at " + head.name().substring(0, 12)
                            + (plan.status().ok() ? ", ok" : ", would be rejected"))));
            writer.flush();
            post(pr, plan.status());
            return plan;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "plan of pull request " + pr.number() + " failed", e);
            Plan failed = Plan.of("pr-" + pr.number(), new Plan.State(pr.number(), pr.headSha(), null, false,
                    List.of(new Problem("-", "/", "the plan could not be computed: " + e.getMessage())), List.of()));
            post(pr, failed.status());
            return failed;
        }
    }

    private ObjectId resolveHead(WebhookEvent.PlanPullRequest pr) throws IOException {
        ObjectId head = present(pr.headSha());
        if (head == null && pr.headRef() != null) {
            try {
                new FetchFleetCommand(mirror.repository()).setUrl(mirror.url()).setAuth(mirror.auth())
                        .setBranches(List.of(pr.headRef())).call();
            } catch (FetchFailedException e) {
                throw new IOException("could not fetch " + pr.headRef() + ": " + e.getMessage(), e);
            }
            head = pr.headSha() != null ? present(pr.headSha())
                    : mirror.repository().resolve(FetchFleetCommand.TRACKING + pr.headRef());
        }
        if (head == null) {
            throw new IOException("the pull request's head " + pr.headSha() + " is not in the fleet repo");
        }
        return head;
    }

    /** The commit if the mirror holds it: JGit resolves any full hex id, present or not. */
    private ObjectId present(String sha) throws IOException {
        ObjectId id = sha == null ? null : mirror.repository().resolve(sha);
        return id != null && mirror.repository().getObjectDatabase().has(id) ? id : null;
    }

    private void post(WebhookEvent.PlanPullRequest pr, Plan.State plan) {
        if (forge == null || pr.repository() == null) {
            return;
        }
        try {
            new PostPlanCommand(forge).setPullRequest(pr.repository(), pr.number(), plan.headCommit())
                    .setPlan(plan).setComment(PlanMarkdown.render(pr.number(), plan))
                    .setTargetUrl(publicUrl).call();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "posting the plan of pull request " + pr.number() + " failed", e);
        }
    }
}
