package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Durations;
import io.gitfleet.schema.Upgrade;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.Optional;

/**
 * Maintenance windows: {@code days} name the day a window opens on (in its time zone), so a window that opens
 * Saturday 23:00 for 4h stays open until Sunday 03:00. No days means every day. No window means always open.
 * On a daylight-saving day the opening is the local start time as {@link ZonedDateTime} resolves it (a start in
 * the spring gap moves forward by the gap; in the autumn overlap the earlier offset wins), and the window lasts
 * its {@code duration} of elapsed time from there.
 */
public final class Windows {
    private Windows() {
    }

    public static boolean isOpen(Upgrade.Window window, Instant now) {
        return window == null || closesAt(window, now).isPresent();
    }

    /** When the opening that contains {@code now} closes; empty when the window is closed now. */
    public static Optional<Instant> closesAt(Upgrade.Window window, Instant now) {
        ZoneId zone = ZoneId.of(window.zone());
        Duration length = Durations.parse(window.duration());
        LocalDate today = now.atZone(zone).toLocalDate();
        long back = length.toDays() + 1;
        Instant best = null;
        for (long d = 0; d <= back; d++) {
            LocalDate day = today.minusDays(d);
            if (opensOn(window, day.getDayOfWeek())) {
                Instant from = day.atTime(LocalTime.parse(window.start())).atZone(zone).toInstant();
                Instant until = from.plus(length);
                if (!now.isBefore(from) && now.isBefore(until) && (best == null || until.isAfter(best))) {
                    best = until;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** When the window next opens after {@code now}, for "waiting for the window" messages. */
    public static Optional<ZonedDateTime> nextOpening(Upgrade.Window window, Instant now) {
        if (window == null) {
            return Optional.empty();
        }
        ZoneId zone = ZoneId.of(window.zone());
        LocalDate today = now.atZone(zone).toLocalDate();
        for (int d = 0; d <= 8; d++) {
            LocalDate day = today.plusDays(d);
            if (opensOn(window, day.getDayOfWeek())) {
                ZonedDateTime start = day.atTime(LocalTime.parse(window.start())).atZone(zone);
                if (start.toInstant().isAfter(now)) {
                    return Optional.of(start);
                }
            }
        }
        return Optional.empty();
    }

    public static String describeNext(Upgrade.Window window, Instant now) {
        return nextOpening(window, now).map(t -> "outside the maintenance window (next opens "
                + t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH).toLowerCase(Locale.ROOT) + " "
                + t.toLocalDate() + " " + t.toLocalTime() + " " + window.zone() + ")")
                .orElse("outside the maintenance window");
    }

    private static boolean opensOn(Upgrade.Window window, DayOfWeek day) {
        if (window.dayList().isEmpty()) {
            return true;
        }
        String name = day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).toLowerCase(Locale.ROOT);
        return window.dayList().contains(name);
    }
}
