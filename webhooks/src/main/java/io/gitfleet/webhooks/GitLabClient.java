package io.gitfleet.webhooks;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** GitLab's REST API v4: commit statuses and merge-request notes. */
final class GitLabClient implements ForgeClient {
    static final int DESCRIPTION_LIMIT = 255;

    private final ForgeHttp http;
    private final String[] headers;

    GitLabClient(ForgeHttp http, String token) {
        this.http = http;
        this.headers = new String[] {"PRIVATE-TOKEN", Objects.requireNonNull(token, "token")};
    }

    /** @param repository the numeric project id, or its path ({@code group/project}), which is encoded */
    @Override
    public void postStatus(String repository, String sha, CommitState state, String description, String context,
                           String targetUrl) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", switch (state) {
            case PENDING -> "running";
            case SUCCESS -> "success";
            case FAILURE, ERROR -> "failed";
        });
        body.put("name", context);
        body.put("description", ForgeHttp.cut(description, DESCRIPTION_LIMIT));
        body.put("target_url", targetUrl);
        String path = "/api/v4/projects/" + project(repository) + "/statuses/" + ForgeHttp.sha(sha);
        HttpResponse<String> response = http.postJson(path, body, headers, 400);
        // GitLab answers 400 "Cannot transition status via :run from :running" when the status is already
        // in that state; for us that is success. Any other 400 is a real error.
        if (response.statusCode() == 400 && !response.body().contains("Cannot transition status")) {
            throw new ForgeApiException(400, "POST", path, ForgeHttp.cut(response.body(), 300), null);
        }
    }

    @Override
    public void postComment(String repository, int number, String markdown) {
        http.postJson("/api/v4/projects/" + project(repository) + "/merge_requests/" + number + "/notes",
                Map.of("body", markdown), headers);
    }

    @Override
    public List<Comment> comments(String repository, int number) {
        return http.comments("/api/v4/projects/" + project(repository) + "/merge_requests/" + number
                + "/notes?per_page=100&sort=asc&order_by=created_at", headers);
    }

    @Override
    public void editComment(String repository, int number, long id, String markdown) {
        http.send("PUT", "/api/v4/projects/" + project(repository) + "/merge_requests/" + number + "/notes/" + id,
                Map.of("body", markdown), headers);
    }

    private static String project(String repository) {
        if (repository == null || repository.isBlank()) {
            throw new IllegalArgumentException("a GitLab project id or path is needed");
        }
        return ForgeHttp.segment(repository);
    }
}
