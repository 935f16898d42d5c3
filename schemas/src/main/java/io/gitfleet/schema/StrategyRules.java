package io.gitfleet.schema;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/** The rules of a strategy that a schema cannot say: percentages, phases that add up, soaks within the deadline. */
final class StrategyRules {
    private StrategyRules() {
    }

    static void check(String file, String at, Strategy s, List<Problem> problems) {
        if (s == null) {
            return;
        }
        amount(file, at + "/maxUnavailable", s.maxUnavailable(), false, problems);
        amount(file, at + "/batchSize", s.batchSize(), true, problems);
        amount(file, at + "/failureBudget", s.failureBudget(), false, problems);
        amount(file, at + "/maxStaging", s.maxStaging(), true, problems);
        if (s.maxUnavailable() != null && s.maxUnavailable().percent() && s.maxUnavailable().value() == 0) {
            problems.add(new Problem(file, at + "/maxUnavailable", "0% would hold every node; write 0 for no limit "
                    + "or a share such as \"25%\""));
        }
        if (s.canary() != null) {
            amount(file, at + "/canary/nodes", s.canary().nodes(), true, problems);
        }
        phases(file, at, s, problems);
        for (int i = 0; i < s.gates().size(); i++) {
            Strategy.Gate g = s.gates().get(i);
            if ((g.command() == null) == (g.prometheus() == null)) {
                problems.add(new Problem(file, at + "/gates/" + i, "give exactly one of command or prometheus"));
            }
        }
    }

    private static void amount(String file, String at, Amount a, boolean positive, List<Problem> problems) {
        if (a == null) {
            return;
        }
        if (a.percent() && a.value() > 100) {
            problems.add(new Problem(file, at, a + " is over 100%"));
        } else if (positive && a.value() == 0) {
            problems.add(new Problem(file, at, "must be at least 1 (or more than 0%)"));
        }
    }

    private static void phases(String file, String at, Strategy s, List<Problem> problems) {
        List<Strategy.Phase> phases = s.phases();
        Duration soaks = Duration.ZERO;
        Integer lastPercent = null;
        Integer lastNodes = null;
        for (int i = 0; i < phases.size(); i++) {
            Strategy.Phase p = phases.get(i);
            String here = at + "/phases/" + i;
            if ((p.nodes() == null) == (p.percent() == null)) {
                problems.add(new Problem(file, here, "give exactly one of nodes or percent"));
                continue;
            }
            if (p.percent() != null) {
                if (p.percent() > 100) {
                    problems.add(new Problem(file, here + "/percent", p.percent() + "% is over 100%"));
                } else if (lastPercent != null && p.percent() <= lastPercent) {
                    problems.add(new Problem(file, here + "/percent", "must be more than the previous phase's "
                            + lastPercent + "%: phases count the upgraded nodes cumulatively"));
                }
                lastPercent = p.percent();
            } else {
                if (lastNodes != null && p.nodes() <= lastNodes) {
                    problems.add(new Problem(file, here + "/nodes", "must be more than the previous phase's "
                            + lastNodes + " nodes: phases count the upgraded nodes cumulatively"));
                }
                lastNodes = p.nodes();
            }
            if (p.soak() != null && parses(p.soak()) && (s.deadline() == null || parses(s.deadline()))) {
                soaks = soaks.plus(Durations.parse(p.soak()));
                if (s.deadline() != null && soaks.compareTo(Durations.parse(s.deadline())) >= 0) {
                    problems.add(new Problem(file, here + "/soak", "the phases soak " + Durations.format(soaks)
                            + " by here, not less than the deadline of " + s.deadline() + " (" + at + "/deadline)"));
                }
            }
        }
        if (!phases.isEmpty()) {
            Strategy.Phase last = phases.get(phases.size() - 1);
            if (last.percent() == null || last.percent() != 100) {
                problems.add(new Problem(file, at + "/phases/" + (phases.size() - 1), "the phases add up to "
                        + last + ", not every selected node; end with {percent: 100}"));
            }
        }
    }

    /** A node whose expected disruption is longer than its window would never be switched. */
    static void checkWindowFits(String file, Upgrade.Spec spec, List<Problem> problems) {
        Strategy s = spec.strategy();
        if (spec.window() == null || s == null || s.expectedDisruption() == null || !parses(s.expectedDisruption())) {
            return;
        }
        Duration expected = Durations.parse(s.expectedDisruption());
        check(file, "/spec/window", spec.window(), expected, s.expectedDisruption(), problems);
        spec.window().datacenters().forEach((dc, w) -> check(file, "/spec/window/datacenters/" + dc,
                spec.window().in(dc), expected, s.expectedDisruption(), problems));
    }

    private static void check(String file, String at, Upgrade.Window w, Duration expected, String text,
                              List<Problem> problems) {
        if (!parses(w.duration())) {
            return; // the window's own check names the bad value
        }
        Duration length = Durations.parse(w.duration());
        if (!length.isZero() && length.compareTo(expected) < 0) {
            problems.add(new Problem(file, at + "/duration", "the window (" + w.duration() + ") is shorter than "
                    + "a node's expected disruption (/spec/strategy/expectedDisruption: " + text + "), so no node "
                    + "would ever be switched in it"));
        }
    }

    static void checkBlackout(String file, String at, Upgrade.Blackout b, List<Problem> problems) {
        OffsetDateTime from = time(file, at + "/from", b.from(), problems);
        OffsetDateTime until = time(file, at + "/until", b.until(), problems);
        if (from != null && until != null && !until.isAfter(from)) {
            problems.add(new Problem(file, at + "/until", "must be after from (" + b.from() + ")"));
        }
    }

    private static OffsetDateTime time(String file, String at, String text, List<Problem> problems) {
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            problems.add(new Problem(file, at, "'" + text + "' must be a date-time with an offset such as "
                    + "2026-12-20T00:00:00+01:00"));
            return null;
        }
    }

    /** Whether a duration reads: a bad one is named by the schema or the field's own check, not here. */
    private static boolean parses(String text) {
        try {
            Durations.parse(text);
            return true;
        } catch (IllegalArgumentException | ArithmeticException e) {
            return false;
        }
    }
}
