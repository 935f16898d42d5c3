package io.gitfleet.agent.install;

/** What the writer tells the state machine while it streams. All calls come from the installing thread. */
public interface TransferListener {
    /** Bytes are flowing (again): the agent is Writing. */
    default void flowing() {
    }

    /** The transfer was cut at {@code offset} compressed bytes and is reconnecting: the agent is Downloading. */
    default void reconnecting(long offset, String why) {
    }

    /** The server could not resume; the whole image is being written again from its first byte. */
    default void restarting(String why) {
    }

    /** {@code written} of {@code total} expanded bytes are in the slot (not yet synced). */
    default void progress(long written, long total) {
    }

    TransferListener NONE = new TransferListener() {
    };
}
