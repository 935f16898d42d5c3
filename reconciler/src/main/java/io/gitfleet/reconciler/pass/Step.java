package io.gitfleet.reconciler.pass;

/** One named step of the reconcile pass. Throws to stop the pass; the exception's class decides what follows. */
interface Step {
    String name();

    void run(PassState state) throws Exception;
}
