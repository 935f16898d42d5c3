package io.gitfleet.webhooks;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Posts results back to a forge: commit statuses and pull-request comments, which it can also find and edit. */
public interface ForgeClient {
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** A pull-request comment (GitLab: a merge-request note) as the forge lists it. */
    record Comment(long id, String body) {
    }

    /**
     * Sets a commit status on {@code sha}. The description is cut to the forge's limit.
     *
     * @param repository {@code owner/name} (GitHub, Gitea) or a project id or path (GitLab)
     * @param context    the status's name, e.g. {@code gitfleet/plan}; a new status with the same context replaces it
     * @param targetUrl  a link for the status, or null
     * @throws ForgeApiException when the forge does not answer 2xx
     */
    void postStatus(String repository, String sha, CommitState state, String description, String context,
                    String targetUrl);

    /** Adds a Markdown comment to pull request (GitLab: merge request) {@code number}. */
    void postComment(String repository, int number, String markdown);

    /**
     * The comments of pull request {@code number}, oldest first: the first page the forge lists (100 comments),
     * which holds the first comment gitfleet posted on all but the busiest pull requests.
     */
    List<Comment> comments(String repository, int number);

    /** Replaces the body of comment {@code id} on pull request {@code number}. */
    void editComment(String repository, int number, long id, String markdown);

    /**
     * @param baseUrl the API root for GitHub ({@code https://api.github.com}, or {@code https://HOST/api/v3} for
     *                GitHub Enterprise); the server root for GitLab and Gitea ({@code https://gitlab.com})
     */
    static ForgeClient create(Forge forge, URI baseUrl, String token, Duration timeout) {
        ForgeHttp http = new ForgeHttp(baseUrl, timeout);
        return switch (forge) {
            case GITHUB -> new GitHubClient(http, token);
            case GITLAB -> new GitLabClient(http, token);
            case GITEA -> new GiteaClient(http, token);
            case GENERIC -> throw new IllegalArgumentException("the generic webhook has no API to post statuses to");
        };
    }
}
