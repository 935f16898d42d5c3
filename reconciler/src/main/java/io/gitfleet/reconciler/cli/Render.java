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
