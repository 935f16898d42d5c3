package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.git.FetchFailedException;
import io.gitfleet.reconciler.git.FetchFleetCommand;
import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.FleetReader;
import io.gitfleet.reconciler.plan.DryRun;
import io.gitfleet.reconciler.plan.FleetSnapshot;
import io.gitfleet.reconciler.store.NotLeaseHolderException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The dry-run plan of a pull request: load the fleet at its head, validate it, plan it against the live fleet
 * (what nodes report and where every rollout stands), write {@code plans/pr-N.yaml} to the status branch, and
 * post a commit status and a comment with the plan table, so reviewers see what merging would do.
 */
public final class PullRequestPlans {
    private static final Logger LOG = LoggerFactory.getLogger(PullRequestPlans.class);

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

    /** How planning one pull request ended. */
    public enum Outcome {
        /** {@code plans/pr-N.yaml} is on the status branch (and posted to the forge). */
        WRITTEN,
        /** The plan could not be computed or written; the forge was told why. */
        FAILED,
        /** This replica no longer holds the lease: plan it again once it does. */
        LATER
    }

    /** What planning one pull request has learned so far; each step reads what the steps before it wrote. */
    private static final class PlanState {
        final WebhookEvent.PlanPullRequest pr;
        final Map<String, UpgradeStatus> live;
        final Instant now;
        ObjectId head;
        LoadedFleet fleet;
        Plan plan;

        PlanState(WebhookEvent.PlanPullRequest pr, Map<String, UpgradeStatus> live, Instant now) {
            this.pr = pr;
            this.live = live;
            this.now = now;
        }
    }

    private interface PlanStep {
        void run(PlanState s) throws IOException;
    }

    /**
     * The plan of one pull request as named steps: head (fetch it when the mirror lacks it) → load → plan (the dry
     * run against the live fleet) → record ({@code plans/pr-N.yaml}, committed at once) → post (commit status and
     * comment). Runs on the loop's thread, never on an event loop.
     */
    public Outcome plan(WebhookEvent.PlanPullRequest pr, Map<String, UpgradeStatus> live, Instant now) {
        PlanState s = new PlanState(pr, live, now);
        Map<String, PlanStep> steps = new java.util.LinkedHashMap<>();
        steps.put("head", st -> st.head = resolveHead(st.pr));
        steps.put("load", st -> st.fleet = FleetReader.load(mirror.repository(), st.head));
        steps.put("plan", this::dryRun);
        steps.put("record", this::record);
        steps.put("post", st -> post(st.pr, st.plan.status()));
        for (Map.Entry<String, PlanStep> step : steps.entrySet()) {
            try {
                step.getValue().run(s);
            } catch (NotLeaseHolderException e) {
                LOG.atInfo().log(() -> "plan of pull request " + pr.number() + " not written: " + e.getMessage());
                return Outcome.LATER;
            } catch (IOException | RuntimeException e) {
                LOG.warn("plan of pull request " + pr.number() + " failed at " + step.getKey(), e);
                Plan failed = Plan.of("pr-" + pr.number(), new Plan.State(pr.number(), pr.headSha(), null, false,
                        List.of(new Problem("-", "/", "the plan could not be computed: " + e.getMessage())),
                        List.of()));
                post(pr, failed.status());
                return Outcome.FAILED;
            }
        }
        return Outcome.WRITTEN;
    }

    private void dryRun(PlanState s) throws IOException {
        Plan.State dry = DryRun.plan(FleetSnapshot.of(s.head.name(), s.fleet), reports.all(), s.live, s.now);
        ObjectId base = s.pr.baseRef() == null ? null
                : mirror.repository().resolve(FetchFleetCommand.TRACKING + s.pr.baseRef());
        s.plan = Plan.of("pr-" + s.pr.number(), new Plan.State(s.pr.number(), s.head.name(),
                base == null ? null : base.name(), dry.ok(), dry.problems(), dry.rows(), dry.forecasts()));
    }

    private void record(PlanState s) throws IOException {
        Plan plan = s.plan;
        writer.submit(view -> new StatusUpdate().put(plan)
                .events(List.of("plans/pr-" + s.pr.number() + ": planned at " + s.head.name().substring(0, 12)
                        + (plan.status().ok() ? ", ok" : ", would be rejected"))));
        writer.flush();
    }

    private ObjectId resolveHead(WebhookEvent.PlanPullRequest pr) throws IOException {
        ObjectId head = present(pr.headSha());
        if (head == null && pr.headRef() != null) {
            try {
                new FetchFleetCommand(mirror.repository()).setUrl(mirror.url()).setAuth(mirror.auth())
                        .setBranches(List.of(pr.headRef())).setProgress(mirror.fetchProgress()).call();
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
            LOG.warn("posting the plan of pull request " + pr.number() + " failed", e);
        }
    }
}
