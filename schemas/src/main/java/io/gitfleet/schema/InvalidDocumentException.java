package io.gitfleet.schema;

import java.util.List;
import java.util.stream.Collectors;

/** A document that had to be valid was not; carries every problem found. */
public final class InvalidDocumentException extends RuntimeException {
    private final List<Problem> problems;

    public InvalidDocumentException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
