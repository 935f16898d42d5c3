package io.gitfleet.reconciler.cli;

import io.gitfleet.reconciler.store.StatusView;
import io.gitfleet.schema.NodeStatus;
import io.gitfleet.schema.UpgradeStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code gitfleet nodes}: every node with what it runs and where each upgrade has it, one line per node and
 * upgrade. The status branch's shard folders stay hidden.
 */
@Command(name = "nodes", description = "Nodes: what they run and where each upgrade has them.")
final class NodesCommand implements Callable<Integer> {
    @Mixin
    StatusSource source;

    @Option(names = {"-w", "--watch"}, description = "show it again each time the status branch moves")
    boolean watch;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return source.show(watch, this::show, spec.commandLine().getOut());
    }

    private int show(StatusSource.Opened opened) throws Exception {
        StatusView view = opened.read();
        SortedMap<String, NodeStatus> nodes = view.nodes();
        Map<String, UpgradeStatus> upgrades = view.upgrades();
        PrintWriter out = spec.commandLine().getOut();
        if (source.output != OutputFormat.table) {
            out.print(Render.documents(source.output, new ArrayList<>(nodes.values()), Render.items(nodes.values())));
            return 0;
        }
        SortedMap<String, List<Object[]>> rows = new TreeMap<>();
        TreeSet<String> names = new TreeSet<>(nodes.keySet());
        for (UpgradeStatus u : upgrades.values()) {
            for (UpgradeStatus.NodeRow r : u.status().nodes()) {
                names.add(r.node());
                NodeStatus n = nodes.get(r.node());
                String current = n == null ? null : n.status().components().get(u.status().component());
                rows.computeIfAbsent(r.node(), k -> new ArrayList<>()).add(new Object[] {r.node(), u.name(),
                        current, r.to(), r.phase(), r.failureReason() != null ? r.failureReason() : r.message()});
            }
        }
        Table t = new Table("NODE", "UPGRADE", "CURRENT", "TARGET", "PHASE", "MESSAGE");
        for (String name : names) {
            List<Object[]> mine = rows.get(name);
            if (mine == null) {
                NodeStatus n = nodes.get(name);
                t.row(name, null, components(n), null, null, health(n));
            } else {
                mine.forEach(t::row);
            }
        }
        out.print(t.size() == 0 ? "no nodes\n" : t.render());
        return 0;
    }

    private static String components(NodeStatus n) {
        Map<String, String> c = new LinkedHashMap<>(new TreeMap<>(n.status().components()));
        return c.isEmpty() ? null : c.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .reduce((a, b) -> a + ", " + b).orElse(null);
    }

    private static String health(NodeStatus n) {
        var h = n.status().health();
        return h == null || h.healthy() ? null : "unhealthy" + (h.message() == null ? "" : ": " + h.message());
    }

}
