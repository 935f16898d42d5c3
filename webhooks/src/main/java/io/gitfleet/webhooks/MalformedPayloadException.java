package io.gitfleet.webhooks;

/** A verified delivery whose body is not the JSON its forge documents (answered with 400). */
public class MalformedPayloadException extends RuntimeException {
    public MalformedPayloadException(String message) {
        super(message);
    }
}
