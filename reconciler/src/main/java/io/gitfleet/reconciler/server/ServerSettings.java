package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.git.GitAuth;
import io.gitfleet.webhooks.ForgeClient;
import io.gitfleet.webhooks.WebhookSecrets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How {@code gitfleet serve} runs.
 *
 * @param poll           how often to fetch when no webhook arrives (the fallback)
 * @param statusInterval status commits are batched to at most one per interval
 * @param forge          where pull-request plans are posted as commit statuses and comments, or null
 */
public record ServerSettings(String repoUrl, GitAuth auth, Path dataDir, String host, int port, String approvedBranch,
                             String statusBranch, Duration poll, Duration statusInterval, WebhookSecrets secrets,
                             ForgeClient forge, String publicUrl) {
}
