package io.gitfleet.agent.boot;

import io.gitfleet.schema.Report.SlotState;

/**
 * What the bootloader will do: boot {@code primary}, unless {@code tryOnce} is set, in which case that slot is
 * booted exactly once (the bootloader clears it as it boots it, so a slot that never confirms falls back to
 * {@code primary} on the next boot). {@code booted} is the slot running now when the bootloader knows it.
 */
public record BootEnv(Slot primary, Slot tryOnce, SlotState a, SlotState b, Slot booted, String bootId) {
    public BootEnv {
        a = a == null ? SlotState.UNKNOWN : a;
        b = b == null ? SlotState.UNKNOWN : b;
    }

    public SlotState state(Slot slot) {
        return slot == Slot.A ? a : b;
    }

    public BootEnv withBooted(Slot slot, String id) {
        return new BootEnv(primary, tryOnce, a, b, slot, id);
    }
}
