package io.gitfleet.version;

import io.gitfleet.schema.Catalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The version rules of DESIGN.md §2, pure: resolve an upgrade's version in its catalog (channels, unknown and
 * blocked versions), and judge one node (already there, downgrade, minor-version skip, requirements on other
 * components). Every refusal carries the sentence operators see on the status branch.
 */
public final class CatalogRules {
    private CatalogRules() {
    }

    public static TargetResolution resolve(Catalog.Spec catalog, String component, String desired) {
        if (!catalog.component().equals(component)) {
            return new Rejection(Reason.ComponentMismatch, "the catalog is for " + catalog.component()
                    + ", but the upgrade is for " + component);
        }
        String versionText = catalog.channels().getOrDefault(desired, desired);
        Optional<Version> parsed = Version.tryParse(versionText);
        if (parsed.isEmpty()) {
            return new Rejection(Reason.UnknownVersion, "'" + desired + "' is neither a version nor a channel of "
                    + "the catalog" + (catalog.channels().isEmpty() ? "" : " (channels: "
                    + String.join(", ", catalog.channels().keySet().stream().sorted().toList()) + ")"));
        }
        Version version = parsed.get();
        String via = versionText.equals(desired) ? "" : " (channel " + desired + ")";
        for (String blocked : catalog.blocked()) {
            if (Version.tryParse(blocked).map(version::sameAs).orElse(false)) {
                return new Rejection(Reason.BlockedVersion, version + via + " is blocked by the catalog");
            }
        }
        for (Catalog.Image image : catalog.images()) {
            if (Version.tryParse(image.version()).map(version::sameAs).orElse(false)) {
                return new TargetResolution.Target(version, image);
            }
        }
        return new Rejection(Reason.UnknownVersion, version + via + " is not in the catalog (it has "
                + String.join(", ", catalog.images().stream().map(Catalog.Image::version).toList()) + ")");
    }

    /**
     * Judges one node. {@code components} is what the node reports; an unknown or missing version of the
     * upgraded component means proceed (never skip), and the step rule cannot apply to it.
     */
    public static NodeVerdict judge(Catalog.Spec catalog, String component, TargetResolution.Target target,
                                    Map<String, String> components, boolean allowDowngrade) {
        Version to = target.version();
        Optional<Version> from = Version.tryParse(components.get(component));
        if (from.isPresent()) {
            int c = from.get().compareTo(to);
            if (c == 0) {
                return NodeVerdict.AT_TARGET;
            }
            if (c > 0 && !allowDowngrade) {
                return new Rejection(Reason.Downgrade, "the node runs " + component + " " + from.get() + "; " + to
                        + " would be a downgrade (set allowDowngrade: true to allow it)");
            }
            if (c < 0) {
                Rejection skip = minorStep(catalog, from.get(), to);
                if (skip != null) {
                    return skip;
                }
            }
        }
        return requirements(component, target, components);
    }

    private static Rejection minorStep(Catalog.Spec catalog, Version from, Version to) {
        Integer step = catalog.policy().maxMinorStep();
        if (step == null) {
            return null;
        }
        if (from.major() != to.major()) {
            return new Rejection(Reason.MinorVersionSkip, from + " → " + to + " crosses a major version; the catalog "
                    + "allows " + step + " minor step" + (step == 1 ? "" : "s") + " at a time");
        }
        long diff = to.minor() - from.minor();
        if (diff <= step) {
            return null;
        }
        long skipped = diff - 1;
        String prefix = from.toString().startsWith("v") ? "v" : "";
        String next = prefix + from.major() + "." + (from.minor() + step) + ".x";
        return new Rejection(Reason.MinorVersionSkip, from + " → " + to + " skips "
                + (skipped == 1 ? "a minor" : skipped + " minors") + "; upgrade to " + next + " first");
    }

    private static NodeVerdict requirements(String component, TargetResolution.Target target,
                                            Map<String, String> components) {
        List<String> others = new ArrayList<>(target.image().requires().keySet());
        others.sort(null);
        for (String other : others) {
            VersionConstraint constraint = VersionConstraint.parse(target.image().requires().get(other));
            String reported = components.get(other);
            Optional<Version> actual = Version.tryParse(reported);
            if (actual.isEmpty()) {
                return new Rejection(Reason.RequirementNotMet, component + " " + target.version() + " requires "
                        + other + " " + constraint + ", but the node does not report "
                        + (reported == null ? other : "a valid " + other + " version ('" + reported + "')"));
            }
            if (!constraint.test(actual.get())) {
                return new Rejection(Reason.RequirementNotMet, constraint.tooOld(actual.get())
                        ? other + " " + actual.get() + " does not support " + component + " " + target.version()
                                + "; upgrade " + other + " first"
                        : component + " " + target.version() + " requires " + other + " " + constraint
                                + "; the node runs " + other + " " + actual.get());
            }
        }
        return NodeVerdict.PROCEED;
    }

    /** The lowest version in a catalog, what {@code gitfleet plan} assumes a node runs when told nothing. */
    public static Optional<Version> lowest(Catalog.Spec catalog) {
        return catalog.images().stream().map(i -> Version.tryParse(i.version())).flatMap(Optional::stream)
                .min(Version::compareTo);
    }
}
