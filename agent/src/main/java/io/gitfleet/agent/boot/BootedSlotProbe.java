package io.gitfleet.agent.boot;

import java.io.IOException;
import java.util.Optional;

/** Tells which slot the running system was booted from. */
@FunctionalInterface
public interface BootedSlotProbe {
    Optional<Slot> booted() throws IOException;
}
