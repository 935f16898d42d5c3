package io.gitfleet.schema;

import java.util.Optional;

/** Every kind of document, the record it maps to and the schema that checks it. */
public enum Kind {
    FLEET("Fleet", Fleet.class, "fleet.schema.json"),
    NODE("Node", Node.class, "node.schema.json"),
    CATALOG("Catalog", Catalog.class, "catalog.schema.json"),
    UPGRADE("Upgrade", Upgrade.class, "upgrade.schema.json"),
    UPGRADE_STATUS("UpgradeStatus", UpgradeStatus.class, "upgrade-status.schema.json"),
    NODE_STATUS("NodeStatus", NodeStatus.class, "node-status.schema.json"),
    PLAN("Plan", Plan.class, "plan.schema.json"),
    REPORT("Report", Report.class, "report.schema.json"),
    INSTRUCTION("Instruction", Instruction.class, "instruction.schema.json"),
    FLEET_STATUS("FleetStatus", FleetStatus.class, "fleet-status.schema.json"),
    UPGRADE_NODE_STATUS("UpgradeNodeStatus", UpgradeNodeStatus.class, "upgrade-node-status.schema.json");

    private final String wire;
    private final Class<? extends Document> type;
    private final String schemaFile;

    Kind(String wire, Class<? extends Document> type, String schemaFile) {
        this.wire = wire;
        this.type = type;
        this.schemaFile = schemaFile;
    }

    public String wire() {
        return wire;
    }

    public Class<? extends Document> type() {
        return type;
    }

    public String schemaFile() {
        return schemaFile;
    }

    /** {@code values()} copies the array on every call, and every report read asks for its kind. */
    private static final Kind[] ALL = values();

    public static Optional<Kind> ofWire(String kind) {
        for (Kind k : ALL) {
            if (k.wire.equals(kind)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    public static Kind of(Class<? extends Document> type) {
        for (Kind k : ALL) {
            if (k.type == type) {
                return k;
            }
        }
        throw new IllegalArgumentException("not a document type: " + type);
    }
}
