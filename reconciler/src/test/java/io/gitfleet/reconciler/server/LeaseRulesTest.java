package io.gitfleet.reconciler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.server.LeaseRules.Kind;
import io.gitfleet.schema.FleetStatus.Lease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The lease rules, with an injected clock: absent → acquire, expired → take over, fresh → stand by, ours → renew. */
class LeaseRulesTest {
    static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");
    static final Duration LEASE = Duration.ofSeconds(15);

    static Lease held(String holder, Instant renewed) {
        return new Lease(holder, "http://" + holder + ":8080", T0.minusSeconds(600), renewed, "15s");
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("no lease yet", null, 0, Kind.ACQUIRE),
                Arguments.of("another's, renewed just now", held("b", T0), 0, Kind.STANDBY),
                Arguments.of("another's, 14.999 s old", held("b", T0), 14_999, Kind.STANDBY),
                Arguments.of("another's, exactly 15 s old: run out", held("b", T0), 15_000, Kind.TAKE_OVER),
                Arguments.of("another's, long expired", held("b", T0), 3_600_000, Kind.TAKE_OVER),
                Arguments.of("ours, fresh", held("a", T0), 5_000, Kind.RENEW),
                Arguments.of("ours, expired and nobody took it", held("a", T0), 20_000, Kind.RENEW),
                Arguments.of("another's, renewal time missing", new Lease("b", null, null, null, "15s"), 0,
                        Kind.TAKE_OVER),
                Arguments.of("another's, unreadable duration", new Lease("b", null, T0, T0, "soon"), 0,
                        Kind.TAKE_OVER));
    }

    @ParameterizedTest(name = "{0} → {3}")
    @MethodSource("cases")
    void decides(String what, Lease current, long millisLater, Kind expected) {
        Clock clock = Clock.fixed(T0.plusMillis(millisLater), ZoneOffset.UTC);
        LeaseRules.Decision d = LeaseRules.decide(current, "a", "http://a:8080", clock.instant(), LEASE);
        assertEquals(expected, d.kind(), what);
        if (expected == Kind.STANDBY) {
            assertSame(current, d.lease(), "a standby writes nothing");
            return;
        }
        assertEquals("a", d.lease().holder());
        assertEquals("http://a:8080", d.lease().url());
        assertEquals(clock.instant(), d.lease().renewedAt());
        assertEquals("15s", d.lease().duration());
        assertEquals(clock.instant().plus(LEASE), LeaseRules.expiresAt(d.lease()));
    }

    @Test
    void aRenewalKeepsWhenTheLeaseWasAcquired() {
        Lease ours = held("a", T0);
        LeaseRules.Decision d = LeaseRules.decide(ours, "a", "http://a:8080", T0.plusSeconds(5), LEASE);
        assertEquals(ours.acquiredAt(), d.lease().acquiredAt());
        LeaseRules.Decision late = LeaseRules.decide(ours, "a", "http://a:8080", T0.plusSeconds(16), LEASE);
        assertEquals(T0.plusSeconds(16), late.lease().acquiredAt(), "a lease that ran out is a new one");
    }

    @Test
    void expiryIsRenewedAtPlusDuration() {
        Lease l = new Lease("b", null, T0, T0, "1500ms");
        assertEquals(T0.plusMillis(1500), LeaseRules.expiresAt(l));
        assertFalse(LeaseRules.expired(l, T0.plusMillis(1499)));
        assertTrue(LeaseRules.expired(l, T0.plusMillis(1500)));
        assertEquals("1s500ms", LeaseRules.decide(null, "a", null, T0, Duration.ofMillis(1500)).lease().duration());
    }
}
