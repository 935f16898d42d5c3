package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.catalog.CatalogFetchSettings;
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
 * @param catalogs       how {@code url} catalogs are fetched (allowed hosts, size cap, timeout)
 * @param replica        this replica's name, URL and lease (see {@code docs/replicas.md})
 * @param security       HTTPS, the read token, the status commits' signing key ({@link ServerSecurity#NONE}: none)
 */
public record ServerSettings(String repoUrl, GitAuth auth, Path dataDir, String host, int port, String approvedBranch,
                             String statusBranch, Duration poll, Duration statusInterval, WebhookSecrets secrets,
                             ForgeClient forge, String publicUrl, CatalogFetchSettings catalogs,
                             ReplicaSettings replica, ServerSecurity security) {
    public ServerSettings {
        catalogs = catalogs == null ? CatalogFetchSettings.DEFAULTS : catalogs;
        replica = replica == null ? ReplicaSettings.DEFAULTS : replica;
        security = security == null ? ServerSecurity.NONE : security;
    }

    /** Settings without TLS, read token or signing key. */
    public ServerSettings(String repoUrl, GitAuth auth, Path dataDir, String host, int port, String approvedBranch,
                          String statusBranch, Duration poll, Duration statusInterval, WebhookSecrets secrets,
                          ForgeClient forge, String publicUrl, CatalogFetchSettings catalogs,
                          ReplicaSettings replica) {
        this(repoUrl, auth, dataDir, host, port, approvedBranch, statusBranch, poll, statusInterval, secrets, forge,
                publicUrl, catalogs, replica, ServerSecurity.NONE);
    }

    public ServerSettings withSecurity(ServerSecurity security) {
        return new ServerSettings(repoUrl, auth, dataDir, host, port, approvedBranch, statusBranch, poll,
                statusInterval, secrets, forge, publicUrl, catalogs, replica, security);
    }

    /** Settings with the default replica settings (its host and port as its name, a 15 s lease). */
    public ServerSettings(String repoUrl, GitAuth auth, Path dataDir, String host, int port, String approvedBranch,
                          String statusBranch, Duration poll, Duration statusInterval, WebhookSecrets secrets,
                          ForgeClient forge, String publicUrl, CatalogFetchSettings catalogs) {
        this(repoUrl, auth, dataDir, host, port, approvedBranch, statusBranch, poll, statusInterval, secrets, forge,
                publicUrl, catalogs, ReplicaSettings.DEFAULTS);
    }

    public ServerSettings withReplica(ReplicaSettings replica) {
        return new ServerSettings(repoUrl, auth, dataDir, host, port, approvedBranch, statusBranch, poll,
                statusInterval, secrets, forge, publicUrl, catalogs, replica, security);
    }

    /** Settings with the default catalog fetch rules (any host, 4 MiB, 10 s). */
    public ServerSettings(String repoUrl, GitAuth auth, Path dataDir, String host, int port, String approvedBranch,
                          String statusBranch, Duration poll, Duration statusInterval, WebhookSecrets secrets,
                          ForgeClient forge, String publicUrl) {
        this(repoUrl, auth, dataDir, host, port, approvedBranch, statusBranch, poll, statusInterval, secrets, forge,
                publicUrl, CatalogFetchSettings.DEFAULTS);
    }
}
