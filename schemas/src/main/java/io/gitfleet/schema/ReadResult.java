package io.gitfleet.schema;

import java.util.List;

/** A document read from text: the record when it is valid, otherwise the problems (never both). */
public record ReadResult<T extends Document>(T document, List<Problem> problems) {
    public ReadResult {
        problems = List.copyOf(problems);
    }

    public boolean ok() {
        return document != null;
    }

    static <T extends Document> ReadResult<T> valid(T document) {
        return new ReadResult<>(document, List.of());
    }

    public static <T extends Document> ReadResult<T> invalid(List<Problem> problems) {
        return new ReadResult<>(null, problems);
    }
}
