package io.gitfleet.reconciler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.Amount;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.Strategy;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The rounding of percentages (docs/planner.md), checked on many random shares and fleet sizes. */
class PlannerPercentagesTest {
    private static Strategy with(Amount max, Amount canary, Amount budget, Amount staging) {
        return new Strategy(null, max, null, canary == null ? null : new Strategy.Canary(canary, null, null), null,
                budget, null, null, staging, null, null, null, null);
    }

    @Test
    void sharesRoundDownForLimitsAndUpForCanariesAndPhases() {
        Random rnd = new Random(12);
        for (int i = 0; i < 100_000; i++) {
            int total = rnd.nextInt(5000);
            int p = 1 + rnd.nextInt(100);
            double exact = p * total / 100.0;
            Strategy s = with(Amount.percent(p), Amount.percent(p), Amount.percent(p), Amount.percent(p));
            int max = Limits.maxUnavailable(s, total);
            assertTrue(max >= 1 && (max <= exact || max == 1) && max > exact - 1, p + "% of " + total + ": " + max);
            int budget = Limits.failureBudget(s, total);
            assertTrue(budget <= exact && budget > exact - 1, p + "% of " + total + " budget: " + budget);
            int canary = Limits.canaryNodes(s, total);
            assertTrue(canary >= exact && canary < exact + 1 || canary == 1 && exact < 1,
                    p + "% of " + total + " canary: " + canary);
            int staging = Limits.maxStaging(s, total);
            assertTrue(staging >= 1 && (staging <= exact || staging == 1), p + "% of " + total + ": " + staging);
            Strategy.Phase phase = new Strategy.Phase(null, p, null, null);
            assertTrue(phase.target(total) >= exact && phase.target(total) < exact + 1);
            assertEquals(total, new Strategy.Phase(null, 100, null, null).target(total), "100% is every node");
        }
    }

    @Test
    void plainCountsStayAsWrittenAndZeroMeansNoLimit() {
        Strategy s = with(Amount.of(0), Amount.of(3), Amount.of(2), null);
        assertEquals(0, Limits.maxUnavailable(s, 10));
        assertEquals(3, Limits.canaryNodes(s, 10));
        assertEquals(2, Limits.failureBudget(s, 10));
        assertEquals(10, Limits.maxStaging(s, 10), "no limit on disruption: staging may take every node");
        assertEquals(3, Limits.maxStaging(with(Amount.of(3), null, null, null), 8), "never fewer than maxUnavailable");
        assertEquals(25, Limits.maxStaging(with(Amount.of(3), null, null, null), 100), "a quarter by default");
    }

    @Test
    void percentagesReadAndWriteAsStrings() {
        Strategy s = Documents.fromTree(Documents.MAPPER.readTree(
                "{\"maxUnavailable\":\"25%\",\"failureBudget\":1,\"canary\":{\"nodes\":\"10%\"}}"), Strategy.class);
        assertEquals(Amount.percent(25), s.maxUnavailable());
        assertEquals(Amount.of(1), s.failureBudget());
        assertEquals(Amount.percent(10), s.canary().nodes());
        assertEquals("{\"maxUnavailable\":\"25%\",\"failureBudget\":1}", Documents.toJson(new Strategy(null,
                Amount.percent(25), null, null, null, Amount.of(1), null, null, null, null, null, null, null)));
    }
}
