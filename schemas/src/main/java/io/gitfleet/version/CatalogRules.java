package io.gitfleet.version;

import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.Problem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The version rules of DESIGN.md §2, pure: check a catalog's versions against its scheme, resolve an upgrade's
 * version in its catalog (channels, unknown and blocked versions), and judge one node (already there, downgrade,
 * minor-version skip, requirements on other components). Every refusal carries the sentence operators see.
 */
public final class CatalogRules {
    private CatalogRules() {
    }

    /**
     * Everything about a catalog's versions its schema cannot say: each version, channel, blocked entry and
     * {@code requires} range must read under the scheme (a range under the scheme of the component it names,
     * {@code schemeOf}), no version twice, {@code maxMinorStep} only where it means something.
     *
     * @param file the file that holds the catalog; {@code at} the pointer of its spec in that file
     * @param schemeOf null to leave {@code requires} ranges unchecked (where the other components are not known)
     */
    public static List<Problem> check(String file, String at, Catalog.Spec catalog,
                                      Function<String, VersionScheme> schemeOf) {
        List<Problem> problems = new ArrayList<>();
        VersionScheme scheme = VersionScheme.of(catalog);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < catalog.images().size(); i++) {
            Catalog.Image image = catalog.images().get(i);
            String v = image.version();
            if (!scheme.parses(v)) {
                problems.add(new Problem(file, at + "/images/" + i + "/version", notAVersion(v, scheme)));
                continue;
            }
            seen.add(v);
            List<String> others = new ArrayList<>(image.requires().keySet());
            others.sort(null);
            for (String other : schemeOf == null ? List.<String>of() : others) {
                try {
                    VersionConstraint.parse(image.requires().get(other), schemeOf.apply(other));
                } catch (IllegalArgumentException e) {
                    problems.add(new Problem(file, at + "/images/" + i + "/requires/" + other, e.getMessage()));
                }
            }
        }
        // duplicates by sorting, not by comparing every pair: catalogs may list hundreds of images
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < catalog.images().size(); i++) {
            if (scheme.parses(catalog.images().get(i).version())) {
                order.add(i);
            }
        }
        Comparator<Integer> byVersion = (x, y) -> scheme.compare(catalog.images().get(x).version(),
                catalog.images().get(y).version());
        order.sort(byVersion.thenComparing(Comparator.naturalOrder()));
        for (int k = 1; k < order.size(); k++) {
            String v = catalog.images().get(order.get(k)).version();
            if (scheme.same(catalog.images().get(order.get(k - 1)).version(), v)) {
                problems.add(new Problem(file, at + "/images/" + order.get(k) + "/version",
                        v + " appears twice in the catalog"));
            }
        }
        seen.sort(scheme::compare);
        List<String> channels = new ArrayList<>(catalog.channels().keySet());
        channels.sort(null);
        for (String channel : channels) {
            String v = catalog.channels().get(channel);
            if (!scheme.parses(v)) {
                problems.add(new Problem(file, at + "/channels/" + channel, notAVersion(v, scheme)));
            } else if (Collections.binarySearch(seen, v, scheme::compare) < 0) {
                problems.add(new Problem(file, at + "/channels/" + channel, v + " is not one of the catalog's images"));
            }
        }
        for (int i = 0; i < catalog.blocked().size(); i++) {
            String v = catalog.blocked().get(i);
            if (!scheme.parses(v)) {
                problems.add(new Problem(file, at + "/blocked/" + i, notAVersion(v, scheme)));
            }
        }
        if (catalog.policy().maxMinorStep() != null && scheme instanceof DebianScheme) {
            problems.add(new Problem(file, at + "/policy/maxMinorStep", "has no meaning under versionScheme debian "
                    + "(a Debian version has no minor field); remove it, or use versionScheme list to allow one "
                    + "image of the list at a time"));
        }
        return problems;
    }

    /** The sentence for a version that does not read under its catalog's scheme: the version and the scheme. */
    static String notAVersion(String v, VersionScheme scheme) {
        if (scheme instanceof ListScheme) {
            return "'" + v + "' is not one of the catalog's image versions (versionScheme list)";
        }
        String hint = "";
        for (String name : List.of("dotted", "debian")) {
            VersionScheme other = VersionScheme.named(name);
            if (other != scheme && hint.isEmpty() && other.parses(v)) {
                hint = "; set spec.versionScheme: " + name + " to read it";
            }
        }
        return "'" + v + "' is not a version under versionScheme " + scheme.wire() + " (" + scheme.describe() + ")"
                + hint;
    }

    /** The scheme of each component, from the catalogs in the order given; the first catalog of a component wins. */
    public static Map<String, VersionScheme> schemes(Iterable<Catalog.Spec> catalogs) {
        Map<String, VersionScheme> schemes = new HashMap<>();
        for (Catalog.Spec c : catalogs) {
            schemes.putIfAbsent(c.component(), VersionScheme.of(c));
        }
        return schemes;
    }

    /** The scheme a {@code requires} range on {@code component} is read in: its catalogs', semver if none. */
    public static Function<String, VersionScheme> schemeOf(Map<String, VersionScheme> schemes) {
        return c -> schemes.getOrDefault(c, VersionScheme.SEMVER);
    }

    public static TargetResolution resolve(Catalog.Spec catalog, String component, String desired) {
        if (!catalog.component().equals(component)) {
            return new Rejection(Reason.ComponentMismatch, "the catalog is for " + catalog.component()
                    + ", but the upgrade is for " + component);
        }
        VersionScheme scheme = VersionScheme.of(catalog);
        String version = catalog.channels().getOrDefault(desired, desired);
        String via = version.equals(desired) ? "" : " (channel " + desired + ")";
        if (!scheme.parses(version)) {
            if (scheme instanceof ListScheme && via.isEmpty()) {
                return notInCatalog(catalog, version);
            }
            return new Rejection(Reason.UnknownVersion, "'" + desired + "' is neither a version nor a channel of "
                    + "the catalog" + (catalog.channels().isEmpty() ? "" : " (channels: "
                    + String.join(", ", catalog.channels().keySet().stream().sorted().toList()) + ")"));
        }
        for (String blocked : catalog.blocked()) {
            if (scheme.same(blocked, version)) {
                return new Rejection(Reason.BlockedVersion, version + via + " is blocked by the catalog");
            }
        }
        for (Catalog.Image image : catalog.images()) {
            if (scheme.same(image.version(), version)) {
                return new TargetResolution.Target(version, image);
            }
        }
        return notInCatalog(catalog, version + via);
    }

    private static Rejection notInCatalog(Catalog.Spec catalog, String what) {
        return new Rejection(Reason.UnknownVersion, what + " is not in the catalog (it has "
                + String.join(", ", catalog.images().stream().map(Catalog.Image::version).toList()) + ")");
    }

    /** {@link #judge(Catalog.Spec, String, TargetResolution.Target, Map, String, boolean, Function)} without digests. */
    public static NodeVerdict judge(Catalog.Spec catalog, String component, TargetResolution.Target target,
                                    Map<String, String> components, boolean allowDowngrade) {
        return judge(catalog, component, target, components, null, allowDowngrade, c -> VersionScheme.SEMVER);
    }

    /**
     * Judges one node. {@code components} is what the node reports; an unknown or missing version of the
     * upgraded component means proceed (never skip), and the step rule cannot apply to it. {@code digest} is the
     * sha256 of the image the node runs, or null: the same version under another digest (a re-spun image) is
     * an upgrade, not "already there".
     */
    public static NodeVerdict judge(Catalog.Spec catalog, String component, TargetResolution.Target target,
                                    Map<String, String> components, String digest, boolean allowDowngrade,
                                    Function<String, VersionScheme> schemeOf) {
        VersionScheme scheme = VersionScheme.of(catalog);
        String to = target.version();
        String from = components.get(component);
        if (from != null && scheme.parses(from)) {
            int c = scheme.compare(from, to);
            if (c == 0 && !respun(digest, target.image())) {
                return NodeVerdict.AT_TARGET;
            }
            if (c > 0 && !allowDowngrade) {
                return new Rejection(Reason.Downgrade, "the node runs " + component + " " + from + "; " + to
                        + " would be a downgrade (set allowDowngrade: true to allow it)");
            }
            Integer step = catalog.policy().maxMinorStep();
            if (c < 0 && step != null) {
                String skip = scheme.stepTooLarge(from, to, step);
                if (skip != null) {
                    return new Rejection(Reason.MinorVersionSkip, skip);
                }
            }
        }
        return requirements(component, target, components, schemeOf);
    }

    /** Both digests known and different: the catalog's image under this version is not what the node runs. */
    static boolean respun(String digest, Catalog.Image image) {
        return digest != null && image.sha256() != null && !digest.equalsIgnoreCase(image.sha256());
    }

    private static NodeVerdict requirements(String component, TargetResolution.Target target,
                                            Map<String, String> components, Function<String, VersionScheme> schemeOf) {
        List<String> others = new ArrayList<>(target.image().requires().keySet());
        others.sort(null);
        for (String other : others) {
            VersionConstraint constraint;
            try {
                constraint = VersionConstraint.parse(target.image().requires().get(other), schemeOf.apply(other));
            } catch (IllegalArgumentException e) {
                return new Rejection(Reason.RequirementNotMet, component + " " + target.version() + " requires "
                        + other + " " + target.image().requires().get(other) + ", which cannot be read: "
                        + e.getMessage());
            }
            String actual = components.get(other);
            if (actual == null || !constraint.scheme().parses(actual)) {
                return new Rejection(Reason.RequirementNotMet, component + " " + target.version() + " requires "
                        + other + " " + constraint + ", but the node does not report "
                        + (actual == null ? other : "a valid " + other + " version ('" + actual + "')"));
            }
            if (!constraint.test(actual)) {
                return new Rejection(Reason.RequirementNotMet, constraint.tooOld(actual)
                        ? other + " " + actual + " does not support " + component + " " + target.version()
                                + "; upgrade " + other + " first"
                        : component + " " + target.version() + " requires " + other + " " + constraint
                                + "; the node runs " + other + " " + actual);
            }
        }
        return NodeVerdict.PROCEED;
    }

    /** The lowest version in a catalog, what {@code gitfleet plan} assumes a node runs when told nothing. */
    public static Optional<String> lowest(Catalog.Spec catalog) {
        VersionScheme scheme = VersionScheme.of(catalog);
        return catalog.images().stream().map(Catalog.Image::version).filter(scheme::parses).min(scheme::compare);
    }
}
