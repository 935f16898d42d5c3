package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.pass.PassResult;
import io.gitfleet.reconciler.plan.Observation;
import io.gitfleet.reconciler.store.CommitMessage;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.Node;
import io.gitfleet.schema.UpgradeStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/** What the server knows after its last pass: what the read API shows and whom the agent API lets in. */
public final class ServerState implements StatusApi.Source {
    private final ServerSettings settings;
    private final Repository repo;
    private final ReportBook reports;
    private volatile LoadedFleet fleet;
    private volatile NodeTokens tokens = new NodeTokens(Map.of());
    private volatile FleetStatus fleetStatus;
    private volatile Map<String, UpgradeStatus> upgrades = Map.of();
    /** The node reports as the status branch holds them, while this replica stands by (else null). */
    private volatile Map<String, Observation> recordedReports;
    private volatile FleetStatus.Lease lease;

    /** Where the dashboard links commits and pull requests: templates with {sha} and {number}, or none. */
    private volatile Map<String, String> links = Map.of();

    ServerState(ServerSettings settings, Repository repo, ReportBook reports) {
        this.settings = settings;
        this.repo = repo;
        this.reports = reports;
    }

    void update(PassResult result) {
        recordedReports = null;
        if (result.fleet() != null && result.fleet() != fleet) {
            fleet = result.fleet();
            tokens = new NodeTokens(fleet.nodes());
        }
        if (result.status() != null) {
            fleetStatus = result.status();
        }
        if (result.plan() != null) {
            upgrades = new TreeMap<>(result.plan().upgrades());
        }
    }

    /** What a standby replica shows: the status branch as the acting replica wrote it. */
    void standby(FleetStatus status, Map<String, UpgradeStatus> upgrades, LoadedFleet fleet,
                 Map<String, Observation> recorded) {
        if (fleet != null && fleet != this.fleet) {
            this.fleet = fleet;
            tokens = new NodeTokens(fleet.nodes());
        }
        fleetStatus = status;
        this.upgrades = new TreeMap<>(upgrades);
        recordedReports = Map.copyOf(recorded);
    }

    /**
     * @param commit      e.g. {@code https://github.com/ops/fleet/commit/{sha}}, or null
     * @param pullRequest e.g. {@code https://github.com/ops/fleet/pull/{number}}, or null
     */
    public void setLinks(String commit, String pullRequest) {
        Map<String, String> m = new LinkedHashMap<>();
        if (commit != null) {
            m.put("commit", commit);
        }
        if (pullRequest != null) {
            m.put("pullRequest", pullRequest);
        }
        links = Map.copyOf(m);
    }

    @Override
    public Map<String, String> links() {
        return links;
    }

    /** The lease as the lease thread last read or wrote it. */
    void lease(FleetStatus.Lease lease) {
        this.lease = lease;
    }

    @Override
    public FleetStatus.Lease lease() {
        return lease;
    }

    /** Whether a pass (or, on a standby, a look at the status branch) has loaded the fleet and its nodes' tokens. */
    public boolean ready() {
        return fleet != null;
    }

    NodeTokens tokens() {
        return tokens;
    }

    @Override
    public String fleetName() {
        return fleet == null ? "fleet" : fleet.fleet().map(f -> f.name()).orElse("fleet");
    }

    @Override
    public String approvedBranch() {
        FleetStatus fs = fleetStatus;
        return fs != null && fs.status().approvedBranch() != null ? fs.status().approvedBranch()
                : settings.approvedBranch();
    }

    @Override
    public String statusBranch() {
        return settings.statusBranch();
    }

    @Override
    public FleetStatus fleetStatus() {
        return fleetStatus;
    }

    @Override
    public Map<String, UpgradeStatus> upgrades() {
        return upgrades;
    }

    @Override
    public Map<String, Node> inventory() {
        return fleet == null ? Map.of() : fleet.nodes();
    }

    @Override
    public Map<String, Observation> reports() {
        Map<String, Observation> recorded = recordedReports;
        return recorded != null ? recorded : reports.all();
    }

    @Override
    public List<Map<String, Object>> history(int limit) {
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            ObjectId head = repo.resolve("refs/heads/" + settings.statusBranch());
            if (head == null) {
                return out;
            }
            try (RevWalk walk = new RevWalk(repo)) {
                walk.markStart(walk.parseCommit(head));
                for (RevCommit c : walk) {
                    if (out.size() >= limit) {
                        break;
                    }
                    if (CommitMessage.isLeaseRenewal(c.getFullMessage())) {
                        continue;
                    }
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("sha", c.name());
                    e.put("message", c.getFullMessage());
                    e.put("time", Instant.ofEpochSecond(c.getCommitTime()).toString());
                    e.put("approvedCommit", CommitMessage.approvedCommitOf(c.getFullMessage()));
                    out.add(e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
