package io.gitfleet.reconciler.cli;

import io.gitfleet.schema.Document;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.UpgradeStatus;
import java.util.List;

/** Small output helpers shared by the read commands. */
final class Render {
    private Render() {
    }

    static String shortId(String id) {
        return id == null ? "-" : id.substring(0, Math.min(12, id.length()));
    }

    /** "done/total", counting skipped nodes as done. */
    static String progress(UpgradeStatus.State s) {
        UpgradeStatus.Counts c = s.counts();
        return c == null ? "-" : (c.completed() + c.skipped()) + "/" + c.total();
    }

    /** The one JSON shape of a list, whatever the command: {@code {"items": [...]}}, plus any extra fields. */
    static java.util.Map<String, Object> items(java.util.Collection<?> items) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("items", items);
        return m;
    }

    /** How long ago, the way kubectl's AGE column says it: 45s, 12m, 3h, 4d. */
    static String age(java.time.Instant since, java.time.Instant now) {
        if (since == null) {
            return "-";
        }
        long s = Math.max(0, java.time.Duration.between(since, now).getSeconds());
        if (s < 120) {
            return s + "s";
        }
        if (s < 120 * 60) {
            return s / 60 + "m";
        }
        if (s < 48 * 3600) {
            return s / 3600 + "h";
        }
        return s / 86400 + "d";
    }

    /** YAML: the documents one after the other; JSON: {@code json} as one value. */
    static String documents(OutputFormat format, List<? extends Document> docs, Object json) {
        if (format == OutputFormat.json) {
            return Documents.toJson(json) + "\n";
        }
        StringBuilder b = new StringBuilder();
        for (Document d : docs) {
            b.append("---\n").append(Documents.toYaml(d));
        }
        return b.toString();
    }
}
