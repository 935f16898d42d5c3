package io.gitfleet.schema;

/**
 * {@code upgrades/UPGRADE/nodes/SHARD/NODE.yaml} on the status branch: one node's row in one upgrade. Rows live in
 * files of their own so that no document grows with the fleet; {@code upgrades/UPGRADE.yaml} keeps the phase and
 * the counts.
 */
public record UpgradeNodeStatus(String apiVersion, String kind, Metadata metadata, UpgradeStatus.NodeRow status)
        implements Document {
    public static final String KIND = "UpgradeNodeStatus";

    public static UpgradeNodeStatus of(UpgradeStatus.NodeRow row) {
        return new UpgradeNodeStatus(API_VERSION, KIND, Metadata.named(row.node()), row);
    }
}
