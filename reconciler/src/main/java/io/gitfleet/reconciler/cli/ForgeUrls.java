package io.gitfleet.reconciler.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Web URLs of a remote on a known forge (GitHub, GitLab, Gitea/Codeberg), for the next step an intent prints. */
final class ForgeUrls {
    private static final Pattern REMOTE = Pattern.compile(
            "^(?:https?://(?:[^@/]+@)?|ssh://(?:[^@/]+@)?|[^@/]+@)([^/:]+)(?::\\d+)?[:/](.+?)(?:\\.git)?/?$");

    private ForgeUrls() {
    }

    /**
     * The repository's path on its forge ({@code owner/name}, GitLab {@code group/sub/project}) from an http(s) or ssh
     * remote URL, or null for a local path.
     */
    static String repository(String remote) {
        if (remote == null || !remote.matches("^(https?|ssh)://.*") && !remote.matches("^[^@/]+@[^/:]+:.*")) {
            return null;
        }
        Matcher m = REMOTE.matcher(remote);
        return m.matches() ? m.group(2) : null;
    }

    /** The page that opens a pull request from {@code branch} into {@code base}, or null for an unknown host. */
    static String compare(String remote, String base, String branch) {
        Matcher m = REMOTE.matcher(remote);
        if (!m.matches()) {
            return null;
        }
        String host = m.group(1);
        String project = m.group(2);
        String web = "https://" + host + "/" + project;
        if (host.equals("github.com")) {
            return web + "/compare/" + base + "..." + branch + "?expand=1";
        }
        if (host.equals("gitlab.com") || host.startsWith("gitlab.")) {
            return web + "/-/merge_requests/new?merge_request[source_branch]=" + branch
                    + "&merge_request[target_branch]=" + base;
        }
        if (host.equals("codeberg.org") || host.startsWith("gitea.") || host.startsWith("forgejo.")) {
            return web + "/compare/" + base + "..." + branch;
        }
        return null;
    }
}
