package io.gitfleet.approval;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.Node;
import io.gitfleet.schema.Problem;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.version.CatalogRules;
import io.gitfleet.version.Rejection;
import io.gitfleet.version.TargetResolution;
import io.gitfleet.version.VersionScheme;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Whether an instruction says what the fleet at an approved commit says, for the node that received it: the upgrade
 * exists and is not paused, selects this node, names the same component and version, and the image (url, sha256,
 * size, payload) is the approved catalog's. Pure: the fleet is already read; a pinned {@code url} catalog comes
 * through {@link PinnedCatalogs}. Every refusal is one sentence naming the file and the commit.
 */
public final class InstructionCheck {
    /** Gives the content of a pinned {@code url} catalog, or fails with the sentence saying why not. */
    @FunctionalInterface
    public interface PinnedCatalogs {
        Catalog.Spec get(String url, String sha256) throws IOException;
    }

    /** The outcome: approved (with the manifest, whose {@code allowDowngrade} the agent needs), or refused. */
    public sealed interface Result {
    }

    public record Approved(Upgrade.Spec upgrade) implements Result {
    }

    public record Refused(String reason) implements Result {
    }

    private InstructionCheck() {
    }

    /**
     * @param fleet  the fleet at the approved commit
     * @param commit that commit's id (for the sentences)
     * @param node   the node that received the instruction
     */
    public static Result check(LoadedFleet fleet, String commit, String node, Instruction.Spec spec,
                               PinnedCatalogs catalogs) {
        String at = " at " + commit.substring(0, Math.min(12, commit.length()));
        String path = "upgrades/" + spec.upgrade() + ".yaml";
        if (fleet.fleet().isEmpty()) {
            return refused("not approved: fleet.yaml is missing or invalid" + at + ", so nothing new may start");
        }
        Upgrade upgrade = fleet.upgrades().get(spec.upgrade());
        if (upgrade == null) {
            List<Problem> broken = fleet.brokenUpgrades().get(spec.upgrade());
            return refused("not approved: " + path + (broken == null ? " does not exist" + at
                    : " is invalid" + at + ": " + (broken.isEmpty() ? "see gitfleet validate" : broken.get(0))));
        }
        Upgrade.Spec u = upgrade.spec();
        Node me = fleet.nodes().get(node);
        if (me == null) {
            return refused("not approved: node " + node + " is not in the inventory (nodes/" + node + ".yaml)" + at);
        }
        if (!u.selector().matches(me)) {
            return refused("not approved: " + path + at + " does not select node " + node);
        }
        if (!u.component().equals(spec.component())) {
            return refused("disagrees with Git: " + path + at + " upgrades " + u.component() + ", the instruction "
                    + spec.component());
        }
        if (spec.action() == Action.ROLLBACK) {
            return u.rollback() ? new Approved(u)
                    : refused("disagrees with Git: " + path + at + " does not ask for a rollback");
        }
        if (u.rollback()) {
            return refused("disagrees with Git: " + path + at + " asks for a rollback, not an install");
        }
        if (u.paused()) {
            return refused("not approved: " + path + at + " is paused");
        }
        Catalog.Spec catalog;
        Upgrade.CatalogSource source = u.catalog();
        if (source.url() != null) {
            if (source.sha256() == null) {
                return refused("not approved: " + path + at + " names the catalog " + source.url()
                        + " without its sha256, so its images are not part of the approval");
            }
            try {
                catalog = catalogs.get(source.url(), source.sha256());
            } catch (IOException e) {
                return refused("cannot verify: the catalog " + source.url() + " pinned by " + path + at + ": "
                        + e.getMessage());
            }
        } else {
            catalog = fleet.localCatalog(upgrade).orElse(null);
            if (catalog == null) {
                return refused("not approved: the catalog " + source.ref() + " of " + path + " is missing or invalid"
                        + at);
            }
        }
        TargetResolution resolution = CatalogRules.resolve(catalog, u.component(), u.version());
        if (resolution instanceof Rejection r) {
            return refused("not approved: " + path + at + ": " + r.message());
        }
        TargetResolution.Target target = (TargetResolution.Target) resolution;
        // the same comparison as the reconciler's: the catalog's version scheme, which the instruction must name too
        VersionScheme scheme = VersionScheme.of(catalog);
        if (!scheme.wire().equals(VersionScheme.named(spec.versionScheme()).wire())) {
            return refused("disagrees with Git: the approved catalog" + at + " orders versions as " + scheme.wire()
                    + ", the instruction as " + VersionScheme.named(spec.versionScheme()).wire());
        }
        if (!scheme.same(target.version(), spec.version())) {
            return refused("disagrees with Git: " + path + at + " targets " + target.version() + ", the instruction "
                    + spec.version());
        }
        Catalog.Image image = target.image();
        Instruction.ImageRef sent = spec.image();
        if (sent == null) {
            return refused("disagrees with Git: the instruction names no image; the approved catalog" + at + " has "
                    + image.url() + " sha256 " + image.sha256() + " size " + image.size());
        }
        if (!image.url().equals(sent.url()) || !image.sha256().equals(sent.sha256()) || image.size() != sent.size()) {
            return refused("disagrees with Git: the approved catalog" + at + " has " + image.url() + " sha256 "
                    + image.sha256() + " size " + image.size() + " for " + target.version() + "; the instruction "
                    + sent.url() + " sha256 " + sent.sha256() + " size " + sent.size());
        }
        if (sent.payload() != null && !sent.payload().isEmpty() && !Objects.equals(image.payload(), sent.payload())) {
            return refused("disagrees with Git: the approved catalog" + at + " gives " + target.version()
                    + " another payload than the instruction");
        }
        return new Approved(u);
    }

    private static Refused refused(String reason) {
        return new Refused(reason);
    }
}
