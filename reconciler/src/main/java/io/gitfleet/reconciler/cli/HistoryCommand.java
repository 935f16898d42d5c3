package io.gitfleet.reconciler.cli;

import io.gitfleet.reconciler.store.CommitMessage;
import io.gitfleet.reconciler.store.StatusPaths;
import io.gitfleet.schema.Documents;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gitfleet history [NAME]}: what moved, newest first, from the status branch's commit messages (one line
 * per event), optionally for one upgrade only. The same as {@code git log gitfleet/status}, as a table.
 */
@Command(name = "history", description = "What moved, newest first, from the status branch's history.")
final class HistoryCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", arity = "0..1", description = "only this upgrade")
    String name;

    @Option(names = {"-n", "--max-count"}, defaultValue = "50", description = "at most this many commits")
    int max;

    @Mixin
    StatusSource source;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (StatusSource.Opened opened = source.open()) {
            List<Map<String, Object>> entries = entries(opened.repo(), opened.requireBranch(), name, max);
            PrintWriter out = spec.commandLine().getOut();
            if (source.output != OutputFormat.table) {
                out.print(source.output == OutputFormat.json ? Documents.toJson(Render.items(entries)) + "\n"
                        : Documents.toYaml(entries));
                return 0;
            }
            Table t = new Table("COMMIT", "TIME", "FLEET-COMMIT", "EVENT");
            for (Map<String, Object> e : entries) {
                @SuppressWarnings("unchecked")
                List<String> events = (List<String>) e.get("events");
                for (String line : events) {
                    t.row(Render.shortId((String) e.get("commit")).substring(0, 8), e.get("time"),
                            e.get("approvedCommit") == null ? null : ((String) e.get("approvedCommit")).substring(0, 8), line);
                }
            }
            out.print(t.size() == 0 ? "no history" + (name == null ? "" : " for " + name) + "\n" : t.render());
            return 0;
        }
    }

    /** The status branch's rollout events, newest first, lease renewals left out; only {@code name}'s if given. */
    static List<Map<String, Object>> entries(org.eclipse.jgit.lib.Repository repo, org.eclipse.jgit.lib.ObjectId head,
                                             String name, int max) throws java.io.IOException {
        List<Map<String, Object>> entries = new ArrayList<>();
        try (RevWalk walk = new RevWalk(repo)) {
            walk.markStart(walk.parseCommit(head));
            if (name != null) {
                // its own file and the folder of its rows (a commit may change a row and leave the counts alone)
                walk.setTreeFilter(AndTreeFilter.create(org.eclipse.jgit.treewalk.filter.PathFilterGroup
                        .createFromStrings(StatusPaths.upgrade(name), StatusPaths.UPGRADES + "/" + name),
                        TreeFilter.ANY_DIFF));
            }
            walk.setRevFilter(RevFilter.ALL);
            for (RevCommit c : walk) {
                if (entries.size() >= max) {
                    break;
                }
                if (CommitMessage.isLeaseRenewal(c.getFullMessage())) {
                    continue;
                }
                List<String> events = events(c.getFullMessage());
                if (name != null) {
                    events.removeIf(e -> !e.startsWith(name + ":"));
                }
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("commit", c.name());
                e.put("time", Instant.ofEpochSecond(c.getCommitTime()).toString());
                e.put("approvedCommit", CommitMessage.approvedCommitOf(c.getFullMessage()));
                e.put("events", events.isEmpty() ? List.of(c.getShortMessage()) : events);
                entries.add(e);
            }
        }
        return entries;
    }

    /** The event lines of a status commit: the subject alone, or the body's lines before the trailer. */
    static List<String> events(String message) {
        String[] parts = message.split("\n\n");
        List<String> out = new ArrayList<>();
        if (parts.length <= 2 && (parts.length == 1 || parts[1].startsWith(CommitMessage.TRAILER + ":"))) {
            out.add(parts[0].strip());
            return out;
        }
        for (String line : parts[1].split("\n")) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        return out;
    }
}
