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

  static HandlerResult done(String detail) {
    return new Done(detail);
  }

  static HandlerResult notApplicable(String reason) {
    return new NotApplicable(reason);
  }
}
