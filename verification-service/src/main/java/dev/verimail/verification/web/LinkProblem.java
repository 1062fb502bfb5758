package dev.verimail.verification.web;

/**
 * A link that does not verify anyone, as the API reports it: 404 (not valid), 410 (expired) or 503 (genuine, but
 * its challenge is not stored yet).
 */
class LinkProblem extends RuntimeException {

    enum Kind { NOT_VALID, EXPIRED, NOT_READY }

    private final Kind kind;

    private LinkProblem(Kind kind) {
        super("link " + kind.name().toLowerCase(java.util.Locale.ROOT), null, false, false);
        this.kind = kind;
    }

    static LinkProblem notValid() {
        return new LinkProblem(Kind.NOT_VALID);
    }

    static LinkProblem expired() {
        return new LinkProblem(Kind.EXPIRED);
    }

    static LinkProblem notReady() {
        return new LinkProblem(Kind.NOT_READY);
    }

    Kind kind() {
        return kind;
    }
}
