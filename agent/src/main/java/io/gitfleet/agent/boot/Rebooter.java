package io.gitfleet.agent.boot;

import java.io.IOException;

/** Restarts the machine. A real one returns and the process is killed soon after; a simulated one boots in place. */
public interface Rebooter {
    /**
     * @return true when the boot already happened within this process (the file bootloader's simulation), so
     *     the agent must re-enter from boot; false when the machine is going down and the caller should wait.
     */
    boolean reboot() throws IOException;
}
