package io.gitfleet.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VersionTest {

    @Test
    void semverPrecedenceFromTheSpec() {
        List<String> ordered = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "v1.0.1", "1.1.0", "v1.10.0", "2.0.0");
        List<Version> shuffled = new ArrayList<>(ordered.stream().map(Version::parse).toList());
        Collections.shuffle(shuffled, new Random(7));
        Collections.sort(shuffled);
        assertEquals(ordered, shuffled.stream().map(Version::toString).toList());
    }

    @Test
    void prefixAndBuildMetadataDoNotChangePrecedence() {
        assertEquals(Version.parse("v1.2.3"), Version.parse("1.2.3+build.5"));
        assertEquals("v1.2.3", Version.parse("v1.2.3").toString());
        assertEquals("v1.34.x", Version.parse("v1.34.2").minorLine());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.10", "v1", "01.2.3", "1.2.3-", "1.2.3-01", "latest", "", "v1.2.3.4", "1.2.3+"})
    void invalidVersionsAreRefused(String text) {
        assertTrue(Version.tryParse(text).isEmpty());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        ">=v1.12.0     | v1.12.0  | true",
        ">=v1.12.0     | v1.11.6  | false",
        "<v1.36        | v1.35.9  | true",
        "<v1.36        | v1.36.0  | false",
        "<v1.36        | v1.36.0-rc.1 | true",
        ">=v1.34.0,<v1.36 | v1.35.1 | true",
        ">=v1.34.0,<v1.36 | v1.33.9 | false",
        "=v1.34        | v1.34.7  | true",
        "=v1.34        | v1.35.0  | false",
        "!=v1.34.3     | v1.34.3  | false",
        "v1.2.3        | v1.2.3   | true",
        "> 1.0.0 , <= 2.0.0 | 2.0.0 | true"})
    void constraints(String constraint, String version, boolean expected) {
        assertEquals(expected, VersionConstraint.parse(constraint).test(Version.parse(version)));
    }

    @Test
    void tooOldOnlyWhenALowerBoundFails() {
        VersionConstraint c = VersionConstraint.parse(">=v1.34.0,<v1.36");
        assertTrue(c.tooOld(Version.parse("v1.33.0")));
        assertFalse(c.tooOld(Version.parse("v1.36.0")));
        assertFalse(c.tooOld(Version.parse("v1.35.0")));
    }
}
