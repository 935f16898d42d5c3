package io.gitfleet.reconciler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gitfleet.schema.Upgrade;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Daylight-saving days in Europe/Berlin (2026-03-29: 02:00 CET → 03:00 CEST; 2026-10-25: 03:00 CEST → 02:00 CET).
 * A start time in the spring gap moves forward by the gap; in the autumn overlap the earlier offset wins; a window
 * lasts its duration of elapsed time. Pure: only Instants and the JDK's zone rules.
 */
class WindowsDstTest {
    private static final Upgrade.Window HALF_PAST_TWO = new Upgrade.Window(null, "02:30", "1h", "Europe/Berlin");
    private static final Upgrade.Window NIGHT = new Upgrade.Window(null, "01:00", "3h", "Europe/Berlin");

    @ParameterizedTest
    @CsvSource({
        // spring: 02:30 does not exist; the window opens at 03:30 CEST (01:30Z) for one hour
        "2026-03-29T00:30:00Z, false",
        "2026-03-29T01:29:59Z, false",
        "2026-03-29T01:30:00Z, true",
        "2026-03-29T02:29:59Z, true",
        "2026-03-29T02:30:00Z, false",
        // autumn: 02:30 happens twice; the window opens at the first (CEST, 00:30Z) for one hour
        "2026-10-25T00:29:59Z, false",
        "2026-10-25T00:30:00Z, true",
        "2026-10-25T01:29:59Z, true",
        "2026-10-25T01:30:00Z, false",
        // a normal day: 02:30 CET is 01:30Z
        "2026-11-24T01:30:00Z, true"})
    void aStartInTheGapOrTheOverlap(String now, boolean open) {
        assertEquals(open, Windows.isOpen(HALF_PAST_TWO, Instant.parse(now)));
    }

    @Test
    void theDisruptionMustFitInElapsedTimeNotInWallClockTime() {
        // 2026-10-25: opens 01:00 CEST (23:00Z the day before), three hours later it is 03:00 CET (02:00Z),
        // although the wall clock went 01:00 → 03:00 → 02:00 → 03:00
        Schedule s = new Schedule(new Upgrade.Spec("os", "stable", new Upgrade.CatalogSource("catalogs/os.yaml", null,
                null), null, null, NIGHT, null, null, null, null, null, null, null));
        assertNull(s.whyNot(null, Instant.parse("2026-10-25T01:25:00Z"), Duration.ofMinutes(30)));
        assertEquals("the expected disruption (30m) does not fit before the window closes at 2026-10-25 02:00 UTC",
                s.whyNot(null, Instant.parse("2026-10-25T01:45:00Z"), Duration.ofMinutes(30)));
        // 2026-03-29: opens 01:00 CET (00:00Z) and closes three hours later, 05:00 CEST (03:00Z)
        assertNull(s.whyNot(null, Instant.parse("2026-03-29T02:25:00Z"), Duration.ofMinutes(30)));
        assertEquals("the expected disruption (30m) does not fit before the window closes at 2026-03-29 03:00 UTC",
                s.whyNot(null, Instant.parse("2026-03-29T02:45:00Z"), Duration.ofMinutes(30)));
    }

    @Test
    void theNextOpeningIsShownInLocalTimeAfterTheShift() {
        assertEquals("outside the maintenance window (next opens sun 2026-03-29 03:30 Europe/Berlin)",
                Windows.describeNext(HALF_PAST_TWO, Instant.parse("2026-03-28T12:00:00Z")));
        Upgrade.Window perDc = new Upgrade.Window(null, "02:30", "1h", "UTC",
                Map.of("dc2", new Upgrade.Window(null, null, null, "Europe/Berlin", null)));
        assertEquals(Windows.isOpen(HALF_PAST_TWO, Instant.parse("2026-03-29T01:30:00Z")),
                Windows.isOpen(perDc.in("dc2"), Instant.parse("2026-03-29T01:30:00Z")));
        assertEquals(List.of(), perDc.in("dc2").dayList());
    }
}
