package io.gitfleet.reconciler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.Upgrade;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class WindowsTest {
    private static final Upgrade.Window WEEKEND = new Upgrade.Window(List.of("sat", "sun"), "02:00", "4h", "UTC");
    private static final Upgrade.Window LATE = new Upgrade.Window(List.of("sat"), "23:00", "4h", "Europe/Berlin");

    @ParameterizedTest
    @CsvSource({
        "2026-11-28T01:59:59Z, false",
        "2026-11-28T02:00:00Z, true",
        "2026-11-28T05:59:59Z, true",
        "2026-11-28T06:00:00Z, false",
        "2026-11-29T03:00:00Z, true",
        "2026-11-30T03:00:00Z, false"})
    void weekendNights(String now, boolean open) {
        assertEquals(open, Windows.isOpen(WEEKEND, Instant.parse(now)));
    }

    @Test
    void aWindowCrossesMidnightInItsOwnTimeZone() {
        assertTrue(Windows.isOpen(LATE, Instant.parse("2026-11-28T22:30:00Z")));   // sat 23:30 CET
        assertTrue(Windows.isOpen(LATE, Instant.parse("2026-11-29T01:59:00Z")));   // sun 02:59 CET
        assertFalse(Windows.isOpen(LATE, Instant.parse("2026-11-29T02:00:00Z")));  // sun 03:00 CET
        assertFalse(Windows.isOpen(LATE, Instant.parse("2026-11-27T22:30:00Z")));  // fri
    }

    @Test
    void noWindowIsAlwaysOpenAndNoDaysMeansEveryDay() {
        assertTrue(Windows.isOpen(null, Instant.parse("2026-11-25T12:00:00Z")));
        Upgrade.Window daily = new Upgrade.Window(List.of(), "12:00", "30m", "UTC");
        assertTrue(Windows.isOpen(daily, Instant.parse("2026-11-25T12:10:00Z")));
        assertFalse(Windows.isOpen(daily, Instant.parse("2026-11-25T12:30:00Z")));
    }

    @Test
    void describesTheNextOpening() {
        assertEquals("outside the maintenance window (next opens sat 2026-11-28 02:00 UTC)",
                Windows.describeNext(WEEKEND, Instant.parse("2026-11-24T10:00:00Z")));
    }
}
