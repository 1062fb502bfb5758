package dev.verimail.verification.web;

/** A link that does not verify anyone, as the API reports it: 404 (not valid) or 410 (expired). */
class LinkProblem extends RuntimeException {

    private final boolean expired;

    private LinkProblem(boolean expired) {
        super(expired ? "link expired" : "link not valid", null, false, false);
        this.expired = expired;
    }

    static LinkProblem notValid() {
        return new LinkProblem(false);
    }

    static LinkProblem expired() {
        return new LinkProblem(true);
    }

    boolean isExpired() {
        return expired;
    }
}
