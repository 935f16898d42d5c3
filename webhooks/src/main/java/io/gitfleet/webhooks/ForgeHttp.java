package io.gitfleet.webhooks;

import io.gitfleet.schema.Documents;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** The little HTTP the forge clients share: send or read a JSON document, insist on 2xx, keep paths safe. */
final class ForgeHttp {
    private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{7,64}");
    private static final int DETAIL_LIMIT = 300;

    private final URI baseUrl;
    private final Duration timeout;
    private final HttpClient client;

    ForgeHttp(URI baseUrl, Duration timeout) {
        String base = baseUrl.toString();
        this.baseUrl = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * @param headers name, value pairs (authentication, API version)
     * @return the response, already known to be 2xx, or one of the statuses in {@code alsoFine}
     */
    HttpResponse<String> postJson(String path, Map<String, Object> body, String[] headers, int... alsoFine) {
        return send("POST", path, body, headers, alsoFine);
    }

    /** {@code PATCH} (GitHub, Gitea) or {@code PUT} (GitLab) of a JSON document, as an edit is made. */
    HttpResponse<String> send(String method, String path, Map<String, Object> body, String[] headers,
                              int... alsoFine) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                .header("User-Agent", "gitfleet");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(Documents.toJsonBytes(body)));
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ForgeApiException(0, method, path, e.toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ForgeApiException(0, method, path, "interrupted", e);
        }
        int status = response.statusCode();
        if (status / 100 == 2 || java.util.Arrays.stream(alsoFine).anyMatch(s -> s == status)) {
            return response;
        }
        // The forge's error message helps (a wrong scope, a missing repository); a token is never in it.
        throw new ForgeApiException(status, method, path, cut(response.body(), DETAIL_LIMIT), null);
    }

    /**
     * The comments a forge lists as a JSON array of objects with {@code id} and {@code body} (GitHub, Gitea and
     * GitLab all do), oldest first as the forges list them.
     */
    List<ForgeClient.Comment> comments(String path, String[] headers) {
        HttpResponse<String> response = send("GET", path, null, headers);
        JsonNode array;
        try {
            array = Documents.MAPPER.readTree(response.body());
        } catch (RuntimeException e) {
            throw new ForgeApiException(response.statusCode(), "GET", path, "not JSON: " + cut(response.body(),
                    DETAIL_LIMIT), e);
        }
        List<ForgeClient.Comment> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            for (JsonNode c : array) {
                JsonNode id = c.get("id");
                JsonNode text = c.get("body");
                if (id != null && id.isIntegralNumber() && text != null && text.isString()) {
                    out.add(new ForgeClient.Comment(id.asLong(), text.asString()));
                }
            }
        }
        return out;
    }

    /**
     * A commit status as GitHub's API takes it, which Gitea's copies: {@code state} (pending, success, failure,
     * error), the description cut to {@code limit}, {@code context} and {@code target_url}.
     */
    static Map<String, Object> githubStyleStatus(CommitState state, String description, int limit, String context,
                                                 String targetUrl) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", switch (state) {
            case PENDING -> "pending";
            case SUCCESS -> "success";
            case FAILURE -> "failure";
            case ERROR -> "error";
        });
        body.put("description", cut(description, limit));
        body.put("context", context);
        body.put("target_url", targetUrl);
        return body;
    }

    /** One path segment, percent-encoded: {@code group/project} becomes {@code group%2Fproject} as GitLab wants. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code owner/name} as two encoded segments; anything else is a caller's mistake. */
    static String ownerAndName(String repository) {
        String[] parts = repository == null ? new String[0] : repository.split("/", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("repository must be owner/name, not " + repository);
        }
        return segment(parts[0]) + "/" + segment(parts[1]);
    }

    static String sha(String sha) {
        if (sha == null || !SHA.matcher(sha).matches()) {
            throw new IllegalArgumentException("not a commit id: " + sha);
        }
        return sha;
    }

    /** At most {@code max} characters, ending in an ellipsis when cut, never splitting a surrogate pair. */
    static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }
}
