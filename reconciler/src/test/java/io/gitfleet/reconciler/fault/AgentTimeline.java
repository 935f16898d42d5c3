package io.gitfleet.reconciler.fault;

import io.gitfleet.reconciler.plan.Selectors;
import io.gitfleet.reconciler.plan.StatusInvariants;
import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradeStatus;
import io.gitfleet.version.CatalogRules;
import io.gitfleet.version.TargetResolution;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.jgit.lib.Repository;

/** The checks on the agents' side of a rollout: what each one took, and how many are down at once. */
final class AgentTimeline {
    private final Repository repo;
    private final Set<String> approved;
    private final Function<String, LoadedFleet> fleetAt;
    private final Set<String> lost;
    private final Figures fig;
    private final Consumer<String> violation;
    private final Map<String, Integer> checkedTaken = new HashMap<>();

    /**
     * @param repo     the fleet repo the Git server serves (its status branch is what was recorded)
     * @param approved the commits merged into main
     * @param lost     node/upgrade/attempt rows a pass failed for silence
     */
    AgentTimeline(Repository repo, Set<String> approved, Function<String, LoadedFleet> fleetAt, Set<String> lost,
                  Figures fig, Consumer<String> violation) {
        this.repo = repo;
        this.approved = approved;
        this.fleetAt = fleetAt;
        this.lost = lost;
        this.fig = fig;
        this.violation = violation;
    }

    /**
     * Each instruction an agent took names an approved commit, an upgrade there, its node, and that target; and the
     * start it carries was on the Git server's status branch before the agent heard of it (so that no restart, and
     * no other replica, can forget that the node is busy).
     */
    void taken(CampaignAgent a) {
        int from = checkedTaken.getOrDefault(a.name, 0);
        for (Instruction.Spec s : a.taken.subList(from, a.taken.size())) {
            fig.instructionsChecked++;
            try {
                UpgradeStatus st = CommitWalk.headUpgrades(repo).get(s.upgrade());
                UpgradeStatus.NodeRow row = st == null ? null : st.status().nodes().stream()
                        .filter(r -> r.node().equals(a.name)).findFirst().orElse(null);
                if (row == null || row.attempt() < s.attempt()) {
                    violation.accept(a.name + " took " + s.upgrade() + " #" + s.attempt() + " before the status branch "
                            + "recorded that start (it says " + (row == null ? "nothing" : row.phase() + " #"
                            + row.attempt()) + ")");
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            if (!approved.contains(s.approvedCommit())) {
                violation.accept(a.name + " took an instruction naming " + s.approvedCommit() + ", not an approved commit");
            }
            LoadedFleet f = fleetAt.apply(s.approvedCommit());
            Upgrade u = f.upgrades().get(s.upgrade());
            if (u == null) {
                violation.accept(a.name + " took " + s.upgrade() + ", which is not at the approved commit");
                return;
            }
            if (!Selectors.matches(u.spec().selector(), f.nodes().get(a.name))) {
                violation.accept(a.name + " took " + s.upgrade() + ", which does not select it");
            }
            Catalog.Spec cat = f.localCatalog(u).orElseThrow();
            if (!(CatalogRules.resolve(cat, "os", u.spec().version()) instanceof TargetResolution.Target t)
                    || !t.version().equals(s.version()) || !t.image().sha256().equals(s.image().sha256())) {
                violation.accept(a.name + " took " + s.version() + " (" + s.image().sha256() + "), not the approved target of "
                        + s.upgrade());
            }
        }
        checkedTaken.put(a.name, a.taken.size());
    }

    /**
     * 2 and 3 as the nodes live them: nodes past their boot switch (down or on their trial boot), counted per
     * upgrade, across the fleet and among controllers. A node the reconciler failed for its silence no longer
     * counts (DESIGN.md §4, 8: it counts against the failure budget instead).
     */
    void disruption(java.util.Collection<CampaignAgent> agents, LoadedFleet f) {
        Map<String, Integer> perUpgrade = new HashMap<>();
        int all = 0;
        int controllers = 0;
        for (CampaignAgent a : agents) {
            if (a.task == null || !a.state.switched() || lost.contains(a.name + "/" + a.task.upgrade() + "/"
                    + a.task.attempt())) {
                continue;
            }
            perUpgrade.merge(a.task.upgrade(), 1, Integer::sum);
            all++;
            controllers += a.controller ? 1 : 0;
        }
        perUpgrade.forEach((name, n) -> {
            Upgrade u = f.upgrades().get(name);
            long selected = f.nodes().values().stream().filter(node -> Selectors.matches(u.spec().selector(), node))
                    .count();
            int max = StatusInvariants.maxUnavailable(u.spec().strategy(), (int) selected);
            if (max > 0 && n > max) {
                violation.accept(n + " nodes of " + name + " are past their boot switch, maxUnavailable " + max);
            }
        });
        Integer budget = f.fleet().orElseThrow().spec().disruptionBudget().maxUnavailable();
        if (budget != null && all > budget) {
            violation.accept(all + " nodes are past their boot switch, fleet budget " + budget);
        }
        if (controllers > 1) {
            violation.accept(controllers + " controllers are past their boot switch at once");
        }
    }
}
