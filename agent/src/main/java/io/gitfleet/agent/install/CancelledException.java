package io.gitfleet.agent.install;

/** The reconciler withdrew the instruction before the boot switch. */
public final class CancelledException extends InstallException {
    public CancelledException() {
        super(io.gitfleet.schema.Report.CANCELLED);
    }
}
