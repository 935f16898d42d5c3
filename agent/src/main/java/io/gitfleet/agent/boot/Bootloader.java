package io.gitfleet.agent.boot;

import java.io.IOException;

/**
 * The boot-selection back-end, RAUC style: mark a slot bad before writing it, ask for it to be tried once,
 * mark it good once it has proven itself. Every call is durable when it returns.
 */
public interface Bootloader {
    /** The current selection, including the booted slot and a boot id when this back-end knows them. */
    BootEnv read() throws IOException;

    /** Never boot {@code slot} (about to be written, or failed); also drops a pending try of it. */
    void markBad(Slot slot) throws IOException;

    /** Boot {@code slot} on the next boot only; {@code primary} stays the fallback. */
    void tryOnce(Slot slot) throws IOException;

    /** {@code slot} proved itself: make it good and the primary. */
    void markGood(Slot slot) throws IOException;

    /** Make an already good slot the primary again (rollback), dropping any pending try. */
    void setPrimary(Slot slot) throws IOException;
}
