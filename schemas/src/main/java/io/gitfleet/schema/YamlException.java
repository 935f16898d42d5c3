package io.gitfleet.schema;

/** YAML text that gitfleet refuses to read, with the JSON pointer (or "/") and line where it went wrong. */
public final class YamlException extends Exception {
    private final String pointer;

    public YamlException(String pointer, String message) {
        super(message);
        this.pointer = pointer;
    }

    public String pointer() {
        return pointer;
    }
}
