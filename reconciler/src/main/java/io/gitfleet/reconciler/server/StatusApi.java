package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.plan.Observation;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.Node;
import io.gitfleet.schema.UpgradeStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The read API: {@code /api/v1/fleet}, {@code /upgrades}, {@code /nodes}, {@code /history}. Answers from what the
 * server holds in memory after its last pass (and from the status branch for history); never blocks an event
 * loop on Git.
 */
public final class StatusApi {
    /** What the read API shows; the server keeps it current after every pass. */
    public interface Source {
        String fleetName();

        String approvedBranch();

        String statusBranch();

        FleetStatus fleetStatus();

        Map<String, UpgradeStatus> upgrades();

        Map<String, Node> inventory();

        Map<String, Observation> reports();

        /** The lease as last read from its ref (live, renewed there); null: the one the status branch names. */
        default FleetStatus.Lease lease() {
            return null;
        }

        /** The last status commits, newest first, each {@code {sha, message, time, url?}}. */
        List<Map<String, Object>> history(int limit);

        /** The dashboard's link templates ({@code commit}, {@code pullRequest}); empty when none is configured. */
        default Map<String, String> links() {
            return Map.of();
        }
    }

    private final Source source;

    public StatusApi(Source source) {
        this.source = source;
    }

    void fleet(RoutingContext ctx) {
        FleetStatus fs = source.fleetStatus();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", source.fleetName());
        doc.put("approvedBranch", source.approvedBranch());
        doc.put("approvedCommit", fs == null ? null : fs.status().approvedCommit());
        doc.put("statusBranch", source.statusBranch());
        doc.put("conditions", fs == null ? List.of() : fs.status().conditions());
        doc.put("problems", fs == null ? List.of() : fs.status().problems());
        FleetStatus.Lease live = source.lease();
        doc.put("lease", live != null ? live : fs == null ? null : fs.status().lease());
        doc.put("links", source.links());
        doc.put("generatedAt", Instant.now().toString());
        json(ctx, doc);
    }

    void upgrades(RoutingContext ctx) {
        json(ctx, Map.of("upgrades", List.copyOf(source.upgrades().values())));
    }

    void nodes(RoutingContext ctx) {
        Map<String, Observation> reports = source.reports();
        List<Map<String, Object>> nodes = new ArrayList<>();
        source.inventory().forEach((name, node) -> {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("name", name);
            n.put("role", node.role());
            n.put("datacenter", node.spec().datacenter());
            n.put("labels", node.spec().labels());
            Observation o = reports.get(name);
            if (o != null) {
                n.put("lastSeen", o.receivedAt().equals(Instant.EPOCH) ? null : o.receivedAt());
                n.put("components", o.report().components());
                n.put("slots", o.report().slots());
                n.put("health", o.report().health());
                n.put("task", o.report().task());
            }
            nodes.add(n);
        });
        json(ctx, Map.of("nodes", nodes));
    }

    void history(RoutingContext ctx) {
        int limit = 20;
        String given = ctx.request().getParam("limit");
        if (given != null) {
            try {
                limit = Math.max(1, Math.min(200, Integer.parseInt(given)));
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("limit must be a number from 1 to 200");
            }
        }
        int n = limit;
        ctx.vertx().<List<Map<String, Object>>>executeBlocking(() -> source.history(n), false)
                .onSuccess(commits -> json(ctx, Map.of("commits", commits)))
                .onFailure(e -> ApiError.write(ctx, e));
    }

    private static void json(RoutingContext ctx, Object doc) {
        ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-cache")
                .end(Buffer.buffer(Documents.toJsonBytes(doc)));
    }
}
