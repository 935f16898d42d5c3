package io.gitfleet.version;

import io.gitfleet.schema.Catalog;

/** What an upgrade's {@code version} resolves to in its catalog: an image, or a rejection. */
public sealed interface TargetResolution permits TargetResolution.Target, Rejection {

    /** The resolved version and the catalog image that carries it. */
    record Target(Version version, Catalog.Image image) implements TargetResolution {
    }
}
