package io.gitfleet.reconciler.cli;

/** {@code -o table|yaml|json}. */
public enum OutputFormat {
    table, yaml, json
}
