package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Durations;
import io.gitfleet.schema.Upgrade;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * When an upgrade may disrupt a node: inside its datacenter's window, outside every blackout, and only if the
 * node's expected disruption (boot switch, reboot, health checks) ends before the window closes and before the
 * next blackout begins. Staging ahead is not disruption: it needs only the window, and only with
 * {@code staging: window}.
 */
final class Schedule {
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final Upgrade.Window window;
    private final List<Upgrade.Blackout> blackouts;

    Schedule(Upgrade.Spec spec) {
        this.window = spec.window();
        this.blackouts = spec.blackouts();
    }

    /** Whether any time rule applies at all (then disruption estimates are worth computing). */
    boolean bounded() {
        return window != null || !blackouts.isEmpty();
    }

    boolean windowOpen(String datacenter, Instant now) {
        return window == null || Windows.isOpen(window.in(datacenter), now);
    }

    String describeClosed(String datacenter, Instant now) {
        return Windows.describeNext(window.in(datacenter), now);
    }

    /** Why a node of {@code datacenter} expected to be disrupted for {@code expected} may not switch now; null: it may. */
    String whyNot(String datacenter, Instant now, Duration expected) {
        Instant done = now.plus(expected);
        for (Upgrade.Blackout b : blackouts) {
            Instant from = b.fromInstant();
            Instant until = b.untilInstant();
            if (!now.isBefore(from) && now.isBefore(until)) {
                return "in the blackout until " + AT.format(until) + reason(b);
            }
            if (now.isBefore(from) && done.isAfter(from)) {
                return "the expected disruption (" + Durations.format(expected) + ") would run into the blackout from "
                        + AT.format(from) + reason(b);
            }
        }
        if (window == null) {
            return null;
        }
        Upgrade.Window w = window.in(datacenter);
        Optional<Instant> closes = Windows.closesAt(w, now);
        if (closes.isEmpty()) {
            return Windows.describeNext(w, now);
        }
        if (done.isAfter(closes.get())) {
            return "the expected disruption (" + Durations.format(expected) + ") does not fit before the window "
                    + "closes at " + AT.format(closes.get());
        }
        return null;
    }

    /** When the answer for {@code datacenter} may next change: the window's next opening, a blackout's end. */
    Instant nextChange(String datacenter, Instant now) {
        Instant next = null;
        if (window != null) {
            next = Windows.nextOpening(window.in(datacenter), now).map(z -> z.toInstant()).orElse(null);
        }
        for (Upgrade.Blackout b : blackouts) {
            Instant until = b.untilInstant();
            if (until.isAfter(now) && (next == null || until.isBefore(next))) {
                next = until;
            }
        }
        return next;
    }

    private static String reason(Upgrade.Blackout b) {
        return b.reason() == null ? "" : " (" + b.reason() + ")";
    }
}
