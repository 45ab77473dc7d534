package dev.tally.core.messaging;

import java.time.Duration;

/** One step of a contact's pass through a campaign; steps run in order. */
public sealed interface Step {

  /** The next step is due this long after this one. */
  record Wait(Duration duration) implements Step {}

  /** Delivers a message, after the final check. */
  record Send(Message message) implements Step {}

  /**
   * From here on, the contact leaves the flow as soon as it matches {@code when}: every later send
   * whose final check finds it matching is skipped as {@code exited}.
   */
  record ExitWhen(Condition when) implements Step {}
}
