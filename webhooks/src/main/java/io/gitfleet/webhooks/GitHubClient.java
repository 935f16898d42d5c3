package io.gitfleet.webhooks;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** GitHub's REST API: commit statuses and issue comments (a pull request is an issue for comments). */
final class GitHubClient implements ForgeClient {
    /** GitHub refuses longer status descriptions with 422. */
    static final int DESCRIPTION_LIMIT = 140;
    /** GitHub's limit on a comment body. */
    static final int COMMENT_LIMIT = 65_536;

    private final ForgeHttp http;
    private final String[] headers;

    GitHubClient(ForgeHttp http, String token) {
        this.http = http;
        this.headers = new String[] {"Authorization", "Bearer " + Objects.requireNonNull(token, "token"),
                "Accept", "application/vnd.github+json", "X-GitHub-Api-Version", "2022-11-28"};
    }

    @Override
    public void postStatus(String repository, String sha, CommitState state, String description, String context,
                           String targetUrl) {
        http.postJson("/repos/" + ForgeHttp.ownerAndName(repository) + "/statuses/" + ForgeHttp.sha(sha),
                ForgeHttp.githubStyleStatus(state, description, DESCRIPTION_LIMIT, context, targetUrl), headers);
    }

    @Override
    public void postComment(String repository, int number, String markdown) {
        http.postJson("/repos/" + ForgeHttp.ownerAndName(repository) + "/issues/" + number + "/comments",
                Map.of("body", ForgeHttp.cut(markdown, COMMENT_LIMIT)), headers);
    }

    @Override
    public List<Comment> comments(String repository, int number) {
        return http.comments("/repos/" + ForgeHttp.ownerAndName(repository) + "/issues/" + number
                + "/comments?per_page=100", headers);
    }

    @Override
    public void editComment(String repository, int number, long id, String markdown) {
        http.send("PATCH", "/repos/" + ForgeHttp.ownerAndName(repository) + "/issues/comments/" + id,
                Map.of("body", ForgeHttp.cut(markdown, COMMENT_LIMIT)), headers);
    }
}
