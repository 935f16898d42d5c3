package io.gitfleet.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.Catalog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The four orders of {@code spec.versionScheme}, case by case (dpkg itself checks debian in DebianSchemeIT). */
class VersionSchemeTest {
    private static final VersionScheme SEMVER = VersionScheme.SEMVER;
    private static final VersionScheme DOTTED = VersionScheme.DOTTED;
    private static final VersionScheme DEBIAN = VersionScheme.DEBIAN;

    @ParameterizedTest
    @CsvSource({
        "v1.2.3, 1.2.3, 0", "1.2.3+build.5, v1.2.3, 0", "v1.36.0-rc.1, v1.36.0, -1", "v1.10.0, v1.9.9, 1",
    })
    void semverIsTodaysOrder(String a, String b, int expected) {
        assertEquals(expected, Integer.signum(SEMVER.compare(a, b)));
        assertEquals(expected, Integer.signum(Version.parse(a).compareTo(Version.parse(b))));
    }

    @ParameterizedTest
    @CsvSource({
        "40.20240616.3.0, 40.20240616.3.0, 0", "40.20240616.3.0, 40.20240701.1.0, -1", "12.5, 12.5.0, 0",
        "12.5, 12.5.1, -1", "12.10, 12.9, 1", "2024.06.01, 2024.6.1, 0", "2024.06.01, 2024.05.31, 1",
        "v40.1, 40.1, 0", "7, 6.99.99, 1", "99999999999999999999999.1, 99999999999999999999998.9, 1",
    })
    void dottedComparesNumbersFieldByFieldWithMissingFieldsZero(String a, String b, int expected) {
        assertEquals(expected, Integer.signum(DOTTED.compare(a, b)));
        assertEquals(-expected, Integer.signum(DOTTED.compare(b, a)));
        assertEquals(expected == 0, DOTTED.same(a, b));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "v", "1.", ".1", "1..2", "1.2-rc1", "V1.2", "1.2 ", "a.b", "1.2.x"})
    void dottedRefusesOtherText(String text) {
        assertFalse(DOTTED.parses(text));
    }

    @Test
    void dottedKeepsVersionsAsWritten() {
        Catalog.Spec fcos = catalog("dotted", "40.20240616.3.0", "40.20240701.1.0");
        TargetResolution.Target t = (TargetResolution.Target) CatalogRules.resolve(fcos, "os", "40.20240701.1");
        assertEquals("40.20240701.1", t.version(), "the upgrade's text is the resolved version");
        assertEquals("40.20240701.1.0", t.image().version());
        assertEquals("40.20240616.3.0", CatalogRules.lowest(fcos).orElseThrow());
    }

    @ParameterizedTest
    @CsvSource({
        "1.0~rc1, 1.0, -1", "1.0, 1.0-0, 0", "1:1.0, 2.0, 1", "1.0a, 1.0+, -1", "1.0-1, 1.0-2, -1",
        "2.36.1-8+deb12u1, 2.36.1-8, 1", "1.0~~, 1.0~, -1", "1.0.0, 1.0, 1", "0:1.0, 1.0, 0", "10, 9, 1",
    })
    void debianFollowsDpkg(String a, String b, int expected) {
        assertEquals(expected, DEBIAN.compare(a, b));
        assertEquals(-expected, DEBIAN.compare(b, a));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a1.0", "1.0-", "1:", ":1.0", "1.0 beta", "1.0_1", "-1", "1:2:3"})
    void debianRefusesWhatDpkgRefuses(String text) {
        assertFalse(DEBIAN.parses(text));
    }

    @Test
    void listOrderIsTheCatalogsOrder() {
        Catalog.Spec named = catalog("list", "bookworm", "trixie", "forky");
        VersionScheme list = VersionScheme.of(named);
        assertTrue(list.compare("bookworm", "forky") < 0);
        assertTrue(list.compare("forky", "trixie") > 0);
        assertFalse(list.parses("sid"), "a version not in the list is unknown");
        assertThrows(IllegalArgumentException.class, () -> list.compare("sid", "forky"));
        assertTrue(VersionScheme.named("list").same("trixie", "trixie"), "the agent, without the list");
        assertEquals("bookworm → forky skips a version of the catalog's list; upgrade to trixie first",
                list.stepTooLarge("bookworm", "forky", 1));
        assertNull(list.stepTooLarge("bookworm", "forky", 2));
    }

    @Test
    void minorStepPerScheme() {
        assertEquals("v1.33.2 → v1.35.0 skips a minor; upgrade to v1.34.x first",
                SEMVER.stepTooLarge("v1.33.2", "v1.35.0", 1));
        assertEquals("12.5 → 12.8 skips 2 minors; upgrade to 12.6.x first", DOTTED.stepTooLarge("12.5", "12.8", 1));
        assertEquals("12.5 → 13.0 crosses a major version; the catalog allows 1 minor step at a time",
                DOTTED.stepTooLarge("12.5", "13.0", 1));
        assertNull(DOTTED.stepTooLarge("12", "12.1.7", 1), "a missing minor is 0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "dotted; >=40,<41; 40.20240616.3.0; true", "dotted; =40; 40.20240616.3.0; true",
        "dotted; =40.2024; 40.20240616.3.0; false", "dotted; <12.5; 12.4.9; true", "dotted; !=12; 13.0; true",
        "debian; >=2.36~; 2.36.1-8; true", "debian; <1:0; 2.0; true", "debian; =1.0; 1.0-0; true",
        "semver; <v1.36; v1.35.9; true", "semver; =v1.34; v1.34.7; true", "semver; >=v1.34.0,<v1.36; v1.36.0; false",
    })
    void rangesReadInTheSchemeOfTheirComponent(String scheme, String range, String version, boolean expected) {
        assertEquals(expected, VersionConstraint.parse(range, VersionScheme.named(scheme)).test(version));
    }

    @Test
    void aRangeThatIsNotOfItsSchemeIsRefusedWithTheScheme() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VersionConstraint.parse(">=v1.34.0-rc.1", VersionScheme.DOTTED));
        assertEquals("'>=v1.34.0-rc.1' is not a constraint like >=v1.12.0 or <v1.36 whose version is numbers "
                + "separated by dots, such as 40.20240616.3.0, 12.5 or 2024.06.01 (versionScheme dotted)",
                e.getMessage());
    }

    @Test
    void theAgentAndThePlannerAgreeOnTheSameVersion() {
        // the agent used to strip a 'v' and compare text: 1.2.3+b1 and 1.2.3 differed for it, not for the planner
        assertTrue(VersionScheme.named(null).same("1.2.3+b1", "v1.2.3"));
        assertTrue(VersionScheme.named("dotted").same("12.5", "12.5.0"));
        assertTrue(VersionScheme.named("debian").same("0:1.0", "1.0-0"));
        assertFalse(VersionScheme.named("semver").same(null, "1.0.0"));
    }

    static Catalog.Spec catalog(String scheme, String... versions) {
        return new Catalog.Spec("os", Map.of(), java.util.Arrays.stream(versions).map(v -> new Catalog.Image(v,
                "https://images.test/" + v, "a".repeat(64), 1, Map.of(), Map.of())).toList(), List.of(), null, scheme);
    }
}
