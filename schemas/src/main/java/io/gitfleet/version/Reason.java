package io.gitfleet.version;

/** Why an upgrade was rejected or a node blocked; the name is the {@code reason} written to the status branch. */
public enum Reason {
    UnknownVersion, BlockedVersion, ComponentMismatch, CatalogUnavailable, InvalidManifest, InvalidCatalog, Downgrade,
    MinorVersionSkip, RequirementNotMet, RolledBackBefore
}
