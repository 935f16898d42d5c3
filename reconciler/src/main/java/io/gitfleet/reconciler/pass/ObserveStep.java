package io.gitfleet.reconciler.pass;

/** Collects the nodes' latest reports from the observation source. */
final class ObserveStep implements Step {
    private final ObservationSource source;

    ObserveStep(ObservationSource source) {
        this.source = source;
    }

    @Override
    public String name() {
        return "observe";
    }

    @Override
    public void run(PassState s) throws Exception {
        s.observed = source.observations(s.status);
        s.listeningSince = source.listeningSince();
    }
}
