package dev.shopstream.handlers;

import java.util.Objects;

/** Outcome of a successful {@link EventHandler#handle} call. */
public sealed interface HandlerResult {

  /** The effect was performed; {@code detail} says what (no contact details). */
  record Done(String detail) implements HandlerResult {
    public Done {
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** Nothing was done, deliberately, for a reason worth recording (e.g. an order without email). */
  record NotApplicable(String reason) implements HandlerResult {
    public NotApplicable {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The effect had been performed before (a redelivery or replay): not repeated. */
  record AlreadyDone(String detail) implements HandlerResult {
    public AlreadyDone {
      Objects.requireNonNull(detail, "detail");
    }
  }

  static HandlerResult done(String detail) {
    return new Done(detail);
  }

  static HandlerResult alreadyDone(String detail) {
    return new AlreadyDone(detail);
  }

  static HandlerResult notApplicable(String reason) {
    return new NotApplicable(reason);
  }
}
