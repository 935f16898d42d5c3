package io.gitfleet.agent.install;

/** The inactive slot cannot hold the declared image. */
public final class SlotTooSmallException extends InstallException {
    public SlotTooSmallException(String slot, long slotBytes, long imageBytes) {
        super("slot too small: slot " + slot + " holds " + slotBytes + " bytes, the image needs " + imageBytes);
    }
}
