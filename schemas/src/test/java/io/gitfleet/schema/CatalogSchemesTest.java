package io.gitfleet.schema;

import static io.gitfleet.schema.FleetLoaderTest.strings;
import static io.gitfleet.schema.FleetLoaderTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What {@code gitfleet validate} says about catalogs and their version schemes. */
class CatalogSchemesTest {
    private static final String SHA = "a".repeat(64);

    private static byte[] catalog(String name, String component, String scheme, String policy, String requires,
                                  String... versions) {
        StringBuilder images = new StringBuilder();
        for (String v : versions) {
            images.append("    - {version: \"").append(v).append("\", url: \"https://x/").append(v)
                    .append("\", sha256: ").append(SHA).append(", size: 10").append(requires).append("}\n");
        }
        return text("apiVersion: gitfleet.io/v1\nkind: Catalog\nmetadata: {name: " + name + "}\nspec:\n"
                + "  component: " + component + "\n" + (scheme == null ? "" : "  versionScheme: " + scheme + "\n")
                + policy + "  images:\n" + images);
    }

    @Test
    void eachSchemeReadsItsOwnVersions() {
        Map<String, byte[]> files = new TreeMap<>(ExampleFleet.files());
        files.put("catalogs/fcos.yaml", catalog("fcos", "coreos", "dotted", "", "", "40.20240616.3.0", "2024.06.01"));
        files.put("catalogs/deb.yaml", catalog("deb", "kernel", "debian", "", "", "6.1.90-1", "1:6.1.94-1~bpo12+1"));
        files.put("catalogs/named.yaml", catalog("named", "release", "list", "", "", "bookworm", "trixie"));
        assertEquals(List.of(), strings(FleetLoader.load(files).problems()));
    }

    @Test
    void problemsNameTheFileTheVersionAndTheScheme() {
        Map<String, byte[]> files = new TreeMap<>(ExampleFleet.files());
        files.put("catalogs/deb.yaml", catalog("deb", "kernel", "debian", "  policy: {maxMinorStep: 1}\n", "",
                "6.1.90-1", "v6.2"));
        files.put("catalogs/dup.yaml", catalog("dup", "coreos", "dotted", "", "", "12.5", "12.5.0", "12.x"));
        files.put("catalogs/other.yaml", catalog("other", "coreos", "semver", "", "", "v1.0.0"));
        files.put("catalogs/req.yaml", catalog("req", "agent", null, "", ", requires: {coreos: \">=v1.0.0-rc.1\"}",
                "v1.0.0"));
        assertEquals(List.of(
                "catalogs/other.yaml: /spec/versionScheme: is semver, but catalogs/dup.yaml orders coreos versions "
                        + "as dotted; one component has one version scheme",
                "catalogs/deb.yaml: /spec/images/1/version: 'v6.2' is not a version under versionScheme debian (a "
                        + "Debian version [epoch:]upstream[-revision], such as 1:2.36.1-8+deb12u1 or 12.5); set "
                        + "spec.versionScheme: dotted to read it",
                "catalogs/deb.yaml: /spec/policy/maxMinorStep: has no meaning under versionScheme debian (a Debian "
                        + "version has no minor field); remove it, or use versionScheme list to allow one image of "
                        + "the list at a time",
                "catalogs/dup.yaml: /spec/images/2/version: '12.x' is not a version under versionScheme dotted "
                        + "(numbers separated by dots, such as 40.20240616.3.0, 12.5 or 2024.06.01); set "
                        + "spec.versionScheme: debian to read it",
                "catalogs/dup.yaml: /spec/images/1/version: 12.5.0 appears twice in the catalog",
                "catalogs/req.yaml: /spec/images/0/requires/coreos: '>=v1.0.0-rc.1' is not a constraint like "
                        + ">=v1.12.0 or <v1.36 whose version is numbers separated by dots, such as 40.20240616.3.0, "
                        + "12.5 or 2024.06.01 (versionScheme dotted)"),
                strings(FleetLoader.load(files).problems()));
    }
}
