package io.gitfleet.version;

import io.gitfleet.schema.Catalog;

/** What an upgrade's {@code version} resolves to in its catalog: an image, or a rejection. */
public sealed interface TargetResolution permits TargetResolution.Target, Rejection {

    /** The resolved version (as the upgrade or channel wrote it) and the catalog image that carries it. */
    record Target(String version, Catalog.Image image) implements TargetResolution {
    }
}
