package io.gitfleet.version;

import io.gitfleet.schema.Catalog;
import java.util.List;
import java.util.Locale;

/**
 * How a catalog orders its versions ({@code spec.versionScheme}). The one comparison the planner, the command line
 * and the agent use, so that "the same version" and "newer" mean the same thing everywhere. Versions are handled as
 * the text the catalog or the node wrote; each scheme says which texts are versions and how two of them compare.
 */
public sealed interface VersionScheme permits SemverScheme, DottedScheme, DebianScheme, ListScheme {
    /** The value of {@code spec.versionScheme}. */
    String wire();

    /** What a version of this scheme looks like, for messages ("SemVer 2.0, such as v1.35.1"). */
    String describe();

    /** Whether {@code text} is a version under this scheme. */
    boolean parses(String text);

    /** The order of two versions that both {@link #parses parse}; throws {@link IllegalArgumentException} else. */
    int compare(String a, String b);

    /** Same version: both parse and neither is before the other. Null or unparseable text is never the same. */
    default boolean same(String a, String b) {
        return a != null && b != null && parses(a) && parses(b) && compare(a, b) == 0;
    }

    /**
     * The sentence refusing {@code from → to} under {@code policy.maxMinorStep: maxStep}, or null when the step is
     * allowed. Only called with {@code from} before {@code to}.
     */
    String stepTooLarge(String from, String to, int maxStep);

    /**
     * Whether a range bound written with fewer fields ({@code =v1.34}, {@code =12}) covers {@code version}; a full
     * bound covers exactly its own version.
     */
    default boolean prefixMatch(String bound, String version) {
        return compare(bound, version) == 0;
    }

    /**
     * A range bound as written in {@code requires} ({@code v1.36} in {@code <v1.36}) as a version of this scheme to
     * compare with ({@code 1.36.0}), or null if it is not one.
     */
    default String bound(String text) {
        return parses(text) ? text : null;
    }

    /** The default, and today's behaviour: SemVer 2.0 with an optional leading {@code v}. */
    VersionScheme SEMVER = new SemverScheme();
    VersionScheme DOTTED = new DottedScheme();
    VersionScheme DEBIAN = new DebianScheme();

    /** The names {@code spec.versionScheme} accepts, as in the catalog schema. */
    List<String> NAMES = List.of("semver", "dotted", "debian", "list");

    /** The scheme of a catalog; {@code list} takes its order from the catalog's images. */
    static VersionScheme of(Catalog.Spec catalog) {
        String name = catalog.versionScheme();
        if ("list".equals(name)) {
            return new ListScheme(catalog.images().stream().map(Catalog.Image::version).toList());
        }
        return named(name);
    }

    /**
     * The scheme by its name, for comparing versions for equality where no catalog is at hand (the agent): a
     * {@code list} scheme without its list still knows that a version is the same as itself. Null or an unknown
     * name is {@code semver}.
     */
    static VersionScheme named(String name) {
        return switch (name == null ? "semver" : name.toLowerCase(Locale.ROOT)) {
            case "dotted" -> DOTTED;
            case "debian" -> DEBIAN;
            case "list" -> new ListScheme(List.of());
            default -> SEMVER;
        };
    }
}
