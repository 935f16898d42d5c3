package io.gitfleet.webhooks;

import io.gitfleet.schema.Plan;
import io.gitfleet.schema.Problem;
import java.util.Objects;

/**
 * Reports a pull request's dry-run plan to its forge: a commit status that fails when the plan would be
 * rejected (so branch protection can block the merge), then, if given, a comment with the plan table. There is
 * one plan comment per pull request: a new push edits the one gitfleet posted before (found by a hidden marker)
 * instead of adding another, so the pull request shows the plan for its head without a trail of stale tables.
 */
public final class PostPlanCommand {
    /** The status name reviewers see and branch protection rules require. */
    public static final String DEFAULT_CONTEXT = "gitfleet/plan";
    /** First line of the plan comment: invisible in rendered Markdown, it marks the comment as gitfleet's. */
    public static final String MARKER = "<!-- gitfleet:plan -->";

    private final ForgeClient client;
    private String repository;
    private int pullRequest;
    private String headSha;
    private Plan.State plan;
    private String comment;
    private String targetUrl;
    private String context = DEFAULT_CONTEXT;

    public PostPlanCommand(ForgeClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** Where to post: {@link WebhookEvent.PlanPullRequest#repository()}, number and head commit. */
    public PostPlanCommand setPullRequest(String repository, int number, String headSha) {
        this.repository = repository;
        this.pullRequest = number;
        this.headSha = headSha;
        return this;
    }

    public PostPlanCommand setPlan(Plan.State plan) {
        this.plan = plan;
        return this;
    }

    /** The plan table as Markdown, rendered by the reconciler; null posts no comment. */
    public PostPlanCommand setComment(String markdown) {
        this.comment = markdown;
        return this;
    }

    public PostPlanCommand setTargetUrl(String url) {
        this.targetUrl = url;
        return this;
    }

    public PostPlanCommand setContext(String context) {
        this.context = context;
        return this;
    }

    /**
     * @return the state posted
     * @throws ForgeApiException when the forge refuses; the status is posted first, so a failed comment
     *                           still leaves the merge guarded
     */
    public CommitState call() {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(headSha, "headSha");
        CommitState state = plan.ok() ? CommitState.SUCCESS : CommitState.FAILURE;
        client.postStatus(repository, headSha, state, describe(plan), context, targetUrl);
        if (comment != null && !comment.isBlank()) {
            comment(MARKER + "\n" + comment);
        }
        return state;
    }

    /**
     * Edits the last comment carrying the marker, or posts one. Listing or editing may be refused (a token
     * without that scope, a comment someone else made with the marker in it): then a new comment is posted, as
     * before; a refused post is the caller's error.
     */
    private void comment(String body) {
        Long previous = null;
        try {
            for (ForgeClient.Comment c : client.comments(repository, pullRequest)) {
                if (c.body().startsWith(MARKER)) {
                    previous = c.id();
                }
            }
        } catch (ForgeApiException cannotList) {
            previous = null;
        }
        if (previous != null) {
            try {
                client.editComment(repository, pullRequest, previous, body);
                return;
            } catch (ForgeApiException e) {
                if (e.statusCode() != 403 && e.statusCode() != 404) {
                    throw e;
                }
            }
        }
        client.postComment(repository, pullRequest, body);
    }

    /** One line for the status: the verdict and the first problem, which is what fits in 140 characters. */
    static String describe(Plan.State plan) {
        if (plan.ok()) {
            int rows = plan.rows().size();
            return "The plan would be accepted" + (rows == 0 ? "" : ": " + rows + (rows == 1 ? " node" : " nodes"));
        }
        if (plan.problems().isEmpty()) {
            return "The plan would be rejected";
        }
        Problem first = plan.problems().get(0);
        int more = plan.problems().size() - 1;
        // "(+N more)" goes first so that cutting the description to the forge's limit never hides it.
        return "Rejected" + (more > 0 ? " (+" + more + " more)" : "") + ": " + first.file() + ": " + first.message();
    }
}
