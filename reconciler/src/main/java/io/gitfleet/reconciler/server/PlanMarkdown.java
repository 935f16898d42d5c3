package io.gitfleet.reconciler.server;

import io.gitfleet.schema.Plan;
import io.gitfleet.schema.Problem;

/** The plan table as a pull-request comment (GitHub/GitLab/Gitea markdown). */
public final class PlanMarkdown {
    private static final int MAX_ROWS = 200;

    private PlanMarkdown() {
    }

    public static String render(int number, Plan.State plan) {
        StringBuilder b = new StringBuilder();
        b.append("### gitfleet plan for #").append(number).append(plan.ok() ? " — ok" : " — would be rejected")
                .append("\n\n");
        if (!plan.problems().isEmpty()) {
            b.append("**Problems**\n\n");
            for (Problem p : plan.problems()) {
                b.append("- `").append(cell(p.file())).append("` `").append(cell(p.pointer())).append("`: ")
                        .append(cell(p.message())).append('\n');
            }
            b.append('\n');
        }
        b.append("| upgrade | node | role | from | to | wave | phase | message |\n");
        b.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        int shown = 0;
        for (Plan.Row r : plan.rows()) {
            if (shown++ == MAX_ROWS) {
                b.append("\n… and ").append(plan.rows().size() - MAX_ROWS).append(" more rows\n");
                break;
            }
            String wave = r.batch() == null ? "" : r.batch() + (Boolean.TRUE.equals(r.canary()) ? " (canary)" : "");
            b.append("| ").append(cell(r.upgrade())).append(" | ").append(cell(r.node())).append(" | ")
                    .append(r.role() == null ? "" : r.role().wire()).append(" | ").append(cell(r.from())).append(" | ")
                    .append(cell(r.to())).append(" | ").append(wave).append(" | ").append(cell(r.phase()))
                    .append(" | ").append(cell(r.message())).append(" |\n");
        }
        if (!plan.forecasts().isEmpty()) {
            b.append("\n**Forecast** (history on the status branch; promotions and gates assumed as soon as due)\n\n");
            b.append("| upgrade | reboots | controllers | per node | windows | takes | done by | note |\n");
            b.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
            for (Plan.Forecast f : plan.forecasts()) {
                b.append("| ").append(cell(f.upgrade())).append(" | ").append(num(f.reboots())).append(" | ")
                        .append(num(f.controllers())).append(" | ").append(cell(f.perNode())).append(" | ")
                        .append(num(f.windows())).append(" | ").append(cell(f.duration())).append(" | ")
                        .append(f.finish() == null ? "" : f.finish().toString()).append(" | ")
                        .append(cell(f.message() != null ? f.message() : f.basis())).append(" |\n");
            }
        }
        if (plan.headCommit() != null) {
            b.append("\nPlanned at `").append(plan.headCommit(), 0, Math.min(12, plan.headCommit().length()))
                    .append("` against the live fleet.\n");
        }
        return b.toString();
    }

    private static String num(Integer n) {
        return n == null ? "" : n.toString();
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ").replace("`", "'");
    }
}
