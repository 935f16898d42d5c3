package io.gitfleet.reconciler.store;

import io.gitfleet.schema.Document;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.NodeStatus;
import io.gitfleet.schema.Plan;
import io.gitfleet.schema.UpgradeNodeStatus;
import io.gitfleet.schema.UpgradeStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Where each status document lives on the status branch. Node files are spread over 256 folders named by the
 * first byte of sha256(name), so that a commit touching a few nodes rewrites only a few small trees. An upgrade's
 * per-node rows are sharded the same way under {@code upgrades/UPGRADE/nodes/}, so that no document grows with the
 * fleet: {@code upgrades/UPGRADE.yaml} keeps the phase and the counts.
 */
public final class StatusPaths {
    public static final String FLEET = "fleet.yaml";
    public static final String UPGRADES = "upgrades";
    public static final String NODES = "nodes";
    public static final String PLANS = "plans";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private StatusPaths() {
    }

    public static String upgrade(String name) {
        return UPGRADES + "/" + name + ".yaml";
    }

    /** The folder of an upgrade's per-node rows: {@code upgrades/UPGRADE/nodes}. */
    public static String rows(String upgrade) {
        return UPGRADES + "/" + upgrade + "/" + NODES;
    }

    /** One node's row in one upgrade: {@code upgrades/UPGRADE/nodes/SHARD/NODE.yaml}. */
    public static String row(String upgrade, String node) {
        return rows(upgrade) + "/" + shard(node) + "/" + node + ".yaml";
    }

    /** The upgrade a row path belongs to, or null when {@code path} is not a row. */
    public static String upgradeOfRow(String path) {
        if (!path.startsWith(UPGRADES + "/")) {
            return null;
        }
        String[] parts = path.split("/", -1);
        return parts.length == 5 && parts[2].equals(NODES) && parts[3].length() == 2 && parts[4].endsWith(".yaml")
                ? parts[1] : null;
    }

    public static String node(String name) {
        return NODES + "/" + shard(name) + "/" + name + ".yaml";
    }

    public static String plan(int pullRequest) {
        return PLANS + "/pr-" + pullRequest + ".yaml";
    }

    /** Two lower-case hex digits: the first byte of sha256 of the node name. */
    public static String shard(String name) {
        try {
            byte b = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8))[0];
            return new String(new char[] {HEX[(b >> 4) & 0xf], HEX[b & 0xf]});
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The path of a status document, from its kind and name. */
    public static String of(Document doc) {
        return switch (doc.kind()) {
            case FleetStatus.KIND -> FLEET;
            case UpgradeStatus.KIND -> upgrade(doc.name());
            case NodeStatus.KIND -> node(doc.name());
            case Plan.KIND -> PLANS + "/" + doc.name() + ".yaml";
            default -> throw new IllegalArgumentException(doc.kind() + " does not belong on the status branch");
        };
    }

    /** The record type stored at {@code path}, or null for a path gitfleet does not write. */
    public static Class<? extends Document> typeOf(String path) {
        if (path.equals(FLEET)) {
            return FleetStatus.class;
        }
        if (!path.endsWith(".yaml")) {
            return null;
        }
        if (path.startsWith(UPGRADES + "/") && path.indexOf('/', UPGRADES.length() + 1) < 0) {
            return UpgradeStatus.class;
        }
        if (upgradeOfRow(path) != null) {
            return UpgradeNodeStatus.class;
        }
        if (path.startsWith(PLANS + "/") && path.indexOf('/', PLANS.length() + 1) < 0) {
            return Plan.class;
        }
        if (path.startsWith(NODES + "/") && path.length() > NODES.length() + 4
                && path.charAt(NODES.length() + 3) == '/' && path.indexOf('/', NODES.length() + 4) < 0) {
            return NodeStatus.class;
        }
        return null;
    }

    /** The document name a path implies: the file name without {@code .yaml}. */
    public static String nameOf(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        return file.endsWith(".yaml") ? file.substring(0, file.length() - 5) : file;
    }
}
