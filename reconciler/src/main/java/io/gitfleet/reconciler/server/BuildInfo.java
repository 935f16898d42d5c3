package io.gitfleet.reconciler.server;

/** Which gitfleet this is: the version the jar's manifest carries (the build's), or "dev" outside a jar. */
public final class BuildInfo {
    private BuildInfo() {
    }

    public static String version() {
        String v = BuildInfo.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    public static String javaVersion() {
        return System.getProperty("java.version");
    }
}
