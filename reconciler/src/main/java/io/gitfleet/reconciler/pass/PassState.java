package io.gitfleet.reconciler.pass;

import io.gitfleet.approval.ApprovalVerdict;
import io.gitfleet.reconciler.catalog.RemoteCatalogs;
import io.gitfleet.reconciler.plan.Observation;
import io.gitfleet.reconciler.plan.PlanResult;
import io.gitfleet.reconciler.store.StatusView;
import io.gitfleet.reconciler.store.WriteResult;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.LoadedFleet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.eclipse.jgit.lib.ObjectId;

/** What one pass has learned so far; each step reads what the steps before it wrote. */
public final class PassState {
    final Instant now;
    final PassOptions options;
    /** Problems met on the way; the status conditions are made from them at the end of the pass. */
    final List<PassFailure> issues = new ArrayList<>();
    /** How long each step took, in order: for the slow-pass log line and the metrics. */
    final java.util.Map<String, java.time.Duration> timings = new java.util.LinkedHashMap<>();

    /** Whether to fetch from the remote first: the server fetches on webhooks and polls, not on every report. */
    boolean fetch = true;
    String approvedBranch;
    ObjectId head;
    StatusView status;
    FleetStatus previous;
    ApprovalVerdict verdict;
    ObjectId approved;
    /** The fleet at the approved commit (with every upgrade held when {@link #holdNewStarts}). */
    LoadedFleet fleet;
    /** The fleet at the approved commit as written: what the status messages explain against. */
    LoadedFleet writtenFleet;
    boolean holdNewStarts;
    String holdReason;
    /** The {@code url} catalogs fetched for this pass (none when the fleet names none, or before the fetch). */
    RemoteCatalogs catalogs = RemoteCatalogs.NONE;
    /** The latest results of external gates, by upgrade (see {@code GateRunner}). */
    Map<String, io.gitfleet.reconciler.plan.GateResults> gates = Map.of();
    Map<String, Observation> observed;
    /** Since when the observations are heard live (null: as recorded); see {@link ObservationSource}. */
    Instant listeningSince;
    Set<String> inFlightBefore = Set.of();
    PlanResult plan;
    /** The status the plan was computed from ({@code StatusView.contentKey} of {@code upgrades/}). */
    Object plannedOn;
    /** How many times the planner ran in this pass: once, unless another writer moved the status under it. */
    int plans;
    WriteResult written;
    SortedMap<String, Instruction> instructions;
    FleetStatus fleetStatus;

    PassState(Instant now, PassOptions options) {
        this.now = now;
        this.options = options;
    }
}
