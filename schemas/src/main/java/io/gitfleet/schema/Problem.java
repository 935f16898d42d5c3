package io.gitfleet.schema;

/**
 * One thing wrong with one document: the file, a JSON pointer into it, and a plain sentence.
 * Printed as {@code file: /pointer: sentence}.
 */
public record Problem(String file, String pointer, String message) {
    public Problem {
        pointer = pointer == null || pointer.isEmpty() ? "/" : pointer;
    }

    @Override
    public String toString() {
        return file + ": " + pointer + ": " + message;
    }
}
