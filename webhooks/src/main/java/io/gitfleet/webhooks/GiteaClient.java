package io.gitfleet.webhooks;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Gitea's (and Forgejo's) REST API v1: commit statuses and issue comments. */
final class GiteaClient implements ForgeClient {
    static final int DESCRIPTION_LIMIT = 255;

    private final ForgeHttp http;
    private final String[] headers;

    GiteaClient(ForgeHttp http, String token) {
        this.http = http;
        this.headers = new String[] {"Authorization", "token " + Objects.requireNonNull(token, "token"),
                "Accept", "application/json"};
    }

    @Override
    public void postStatus(String repository, String sha, CommitState state, String description, String context,
                           String targetUrl) {
        http.postJson("/api/v1/repos/" + ForgeHttp.ownerAndName(repository) + "/statuses/" + ForgeHttp.sha(sha),
                ForgeHttp.githubStyleStatus(state, description, DESCRIPTION_LIMIT, context, targetUrl), headers);
    }

    @Override
    public void postComment(String repository, int number, String markdown) {
        http.postJson("/api/v1/repos/" + ForgeHttp.ownerAndName(repository) + "/issues/" + number + "/comments",
                Map.of("body", markdown), headers);
    }

    @Override
    public List<Comment> comments(String repository, int number) {
        return http.comments("/api/v1/repos/" + ForgeHttp.ownerAndName(repository) + "/issues/" + number
                + "/comments?limit=100", headers);
    }

    @Override
    public void editComment(String repository, int number, long id, String markdown) {
        http.send("PATCH", "/api/v1/repos/" + ForgeHttp.ownerAndName(repository) + "/issues/comments/" + id,
                Map.of("body", markdown), headers);
    }
}
