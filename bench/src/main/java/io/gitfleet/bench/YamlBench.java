package io.gitfleet.bench;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.FastYaml;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.UpgradeNodeStatus;
import io.gitfleet.schema.UpgradeStatus;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What a merge that starts N nodes pays to turn its N status rows into YAML (not a test): SnakeYAML's emitter
 * against {@link FastYaml}, from the JSON tree and from the record, in interleaved rounds (medians). Before it
 * times anything it checks that both paths give the same bytes for every row and that the fast path took them all;
 * otherwise it ends with one sentence and exit 1. Run by {@code bench/yaml-bench.sh [ROWS] [ROUNDS]}.
 */
public final class YamlBench {
    private static final int WARMUP_ROUNDS = 5;

    private YamlBench() {
    }

    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        String[] sets = {"one pass's instant", "instants of their own"};
        List<List<UpgradeNodeStatus>> docs = List.of(rows(rows, true), rows(rows, false));
        List<List<JsonNode>> trees = new ArrayList<>();
        long bytes = 0;
        for (List<UpgradeNodeStatus> set : docs) {
            trees.add(set.stream().map(Documents::toTree).toList());
            for (int i = 0; i < rows; i++) {
                JsonNode tree = trees.get(trees.size() - 1).get(i);
                Optional<String> fast = FastYaml.write(tree);
                String snake = Documents.toYamlBySnakeYaml(tree);
                if (fast.isEmpty() || !fast.get().equals(snake)) {
                    System.out.println("FAIL: row " + set.get(i).name() + (fast.isEmpty()
                            ? " was left to SnakeYAML by the fast path" : " came out differently by the two paths"));
                    System.exit(BenchCheck.INVALID);
                }
                bytes += snake.length();
            }
        }
        System.out.printf("YAML of %,d UpgradeNodeStatus rows (%d bytes on average; the same bytes both ways), median"
                + " of %d interleaved rounds after %d of warm-up%n", rows, bytes / rows / 2, rounds, WARMUP_ROUNDS);
        String[] ways = {"tree -> YAML, SnakeYAML", "tree -> YAML, FastYaml", "record -> YAML, SnakeYAML",
                "record -> YAML, Documents.toYaml (FastYaml)"};
        int runs = ways.length * sets.length;
        List<List<Long>> times = new ArrayList<>();
        for (int k = 0; k < runs; k++) {
            times.add(new ArrayList<>());
        }
        long sink = 0;
        for (int r = 0; r < rounds + WARMUP_ROUNDS; r++) {
            // rotate the order, so that a busy moment of a shared machine does not always hit the same way
            for (int j = 0; j < runs; j++) {
                int k = (r + j) % runs;
                List<UpgradeNodeStatus> d = docs.get(k / ways.length);
                List<JsonNode> t = trees.get(k / ways.length);
                long t0 = System.nanoTime();
                for (int i = 0; i < rows; i++) {
                    String yaml = switch (k % ways.length) {
                        case 0 -> Documents.toYamlBySnakeYaml(t.get(i));
                        case 1 -> FastYaml.write(t.get(i)).orElseThrow();
                        case 2 -> Documents.toYamlBySnakeYaml(Documents.toTree(d.get(i)));
                        default -> Documents.toYaml(d.get(i));
                    };
                    sink += yaml.length();
                }
                if (r >= WARMUP_ROUNDS) {
                    times.get(k).add(System.nanoTime() - t0);
                }
            }
        }
        for (int set = 0; set < sets.length; set++) {
            System.out.println("rows stamped with " + sets[set] + ":");
            double[] us = new double[ways.length];
            for (int w = 0; w < ways.length; w++) {
                us[w] = median(times.get(set * ways.length + w)) / 1e3 / rows;
                System.out.printf("  %-45s %7.2f µs per row, %7.1f ms per %,d rows%n", ways[w], us[w],
                        us[w] * rows / 1e3, rows);
            }
            System.out.printf("  tree -> YAML %.1fx as fast, record -> YAML %.1fx as fast%n", us[0] / us[1],
                    us[2] / us[3]);
        }
        System.out.printf("load average %s (%d)%n", loadAverage(), sink % 10);
    }

    /**
     * Rows as a merge's pass writes them: every phase, both roles, messages with the characters that need quoting.
     * One pass stamps its rows with its own instant; {@code sharedInstant} false gives every row instants of its
     * own instead (the worst case for the fast path, whose resolver remembers recent timestamps).
     */
    static List<UpgradeNodeStatus> rows(int n, boolean sharedInstant) {
        Instant created = Instant.parse("2026-11-30T11:00:00Z");
        Instant pass = Instant.parse("2026-11-30T12:00:00Z");
        String[] messages = {null, "writing 40%: 1.2 GiB of 3 GiB", "waiting: maxUnavailable 1 reached",
                "image digest mismatch: expected sha256:9f86d0… got 'e3b0c4…'", "downloaded 812 MiB",
                "health check \"kubelet\" failed: exit 1 # see journal"};
        List<UpgradeNodeStatus> docs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            NodePhase phase = NodePhase.values()[i % NodePhase.values().length];
            Instant since = sharedInstant ? pass : pass.plusSeconds(i);
            Instant pending = sharedInstant ? created : created.plusSeconds(i);
            List<UpgradeStatus.Transition> transitions = phase == NodePhase.Pending ? List.of()
                    : List.of(new UpgradeStatus.Transition(NodePhase.Pending, pending),
                            new UpgradeStatus.Transition(phase, since));
            docs.add(UpgradeNodeStatus.of(new UpgradeStatus.NodeRow(String.format("worker-%05d", i),
                    i % 50 == 0 ? Role.CONTROLLER : Role.WORKER, phase, Action.INSTALL, "v1.34.1", "v1.35.1", i,
                    1 + i / 100, i < 3, 1 + i % 3, null, i % 2 == 0 ? "a" : "b", messages[i % messages.length],
                    phase == NodePhase.Failed ? "DigestMismatch" : null, since, transitions, null,
                    "c".repeat(64), phase.inFlight() ? since : null)));
        }
        return docs;
    }

    private static double median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static String loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "unknown" : String.format("%.2f", load);
    }
}
