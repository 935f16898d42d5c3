package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.version.CatalogRules;
import io.gitfleet.version.NodeVerdict;
import io.gitfleet.version.Rejection;
import io.gitfleet.version.TargetResolution;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What one upgrade asks of a node's reported model, for one pass: the version rules' verdict, then the blocking
 * checks (zstd window, install capabilities, an earlier bootloader fallback). Built once per upgrade and pass so that
 * a pass over many nodes judges each distinct combination of versions only once.
 */
final class NodeChecks {
    private final Upgrade.Spec spec;
    private final String component;
    private final Catalog.Spec catalog;
    private final TargetResolution.Target target;
    private final PassContext ctx;
    /** Components the target image requires, in name order: their versions are part of a verdict's key. */
    private final List<String> requiredComponents;
    /** Verdicts by the versions they depend on: thousands of nodes share a handful of version combinations. */
    private final Map<Object, NodeVerdict> verdicts = new HashMap<>();

    NodeChecks(Upgrade.Spec spec, Catalog.Spec catalog, TargetResolution.Target target, PassContext ctx) {
        this.spec = spec;
        this.component = spec.component();
        this.catalog = catalog;
        this.target = target;
        this.ctx = ctx;
        this.requiredComponents = List.copyOf(new TreeSet<>(target.image().requires().keySet()));
    }

    /** The version rules' verdict on a node reporting {@code report}, judged once per distinct key in a pass. */
    NodeVerdict verdict(Report.Status report) {
        return verdict(report, report.components().get(component));
    }

    /** The same, with the upgraded component's reported version already looked up (one map probe less a row). */
    NodeVerdict verdict(Report.Status report, String version) {
        Map<String, String> components = report.components();
        String digest = report.digests().get(component);
        Object key = verdictKey(version, components, digest);
        NodeVerdict verdict = verdicts.get(key);
        if (verdict == null) {
            // get-then-put rather than computeIfAbsent: no capturing lambda per node
            verdict = CatalogRules.judge(catalog, component, target, components, digest, spec.allowDowngrade(),
                    ctx.schemeOf());
            verdicts.put(key, verdict);
        }
        return verdict;
    }

    /**
     * What a verdict depends on: the upgraded component's version and digest, and the versions of those the image
     * requires.
     */
    private Object verdictKey(String version, Map<String, String> components, String digest) {
        String own = digest == null ? String.valueOf(version) : version + "@" + digest;
        if (requiredComponents.isEmpty()) {
            return own;
        }
        List<String> key = new ArrayList<>(requiredComponents.size() + 1);
        key.add(own);
        for (String c : requiredComponents) {
            key.add(String.valueOf(components.get(c)));
        }
        return key;
    }

    /** The rejection's sentence for this node: a requirement on a version it could not read says why. */
    String rejectionMessage(Rejection r, Report.Status report) {
        if (r.reason() != io.gitfleet.version.Reason.RequirementNotMet) {
            return r.message();
        }
        for (String c : requiredComponents) {
            String why = report.versionUnknown().get(c);
            if (why != null && !report.components().containsKey(c)) {
                return r.message() + " (its " + c + " version is unknown: " + why + ")";
            }
        }
        return r.message();
    }

    /**
     * Why a node the version rules accept cannot take the upgrade now (its window cap, its install capabilities, a
     * fallback from the target before without a retry asked), or null when it can.
     */
    String blocking(Report.Status report, String node, String retry) {
        String to = target.version();
        String cannot = windowTooLarge(report, to);
        if (cannot == null) {
            cannot = InstallCapabilities.missing(spec.install(), report);
        }
        if (cannot != null) {
            return cannot;
        }
        if (retry == null && report.fellBackFrom(component, to)) {
            return "the bootloader fell back from " + component + " " + to + " on this node before; "
                    + "set spec.retry." + node + " to try again";
        }
        return null;
    }

    /** The version rules still allow a staged node's boot switch, with what it reports now. */
    boolean stillEligible(Report.Status report, String node) {
        NodeVerdict verdict = verdict(report);
        boolean fellBack = report.fellBackFrom(component, target.version()) && spec.retry().get(node) == null;
        return !(verdict instanceof NodeVerdict.AtTarget && !spec.force()) && !(verdict instanceof Rejection)
                && !fellBack;
    }

    /**
     * The image's declared zstd window against the memory cap the node's agent reports: the agent would refuse the
     * image anyway, so it is not instructed. A node (or image) that says nothing proceeds.
     */
    private String windowTooLarge(Report.Status report, String to) {
        Long needs = target.image() == null ? null : target.image().window();
        Long cap = report.maxWindow();
        if (needs == null || cap == null || needs <= cap) {
            return null;
        }
        return component + " " + to + " needs a zstd window of " + mib(needs) + "; this node's agent allows "
                + mib(cap) + " (maxWindow in its config): raise it or recompress the image with a smaller --long";
    }

    private static String mib(long bytes) {
        if (bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }
}
