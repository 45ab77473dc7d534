package dev.tally.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.model.Send;
import dev.tally.core.store.Store;
import java.util.Map;
import java.util.TreeMap;

/**
 * What messaging is doing, for {@code /health/ready} and {@code tally status} (docs/messaging.md,
 * "Is it delivering?"): paused (for every workspace or which, since when), sends held by Tally and
 * why, the queue's depth by state, the due sends and how long the oldest has waited, and whether
 * this process sends at all. Three store reads: the pauses, the waiting sends grouped by state and
 * reason (the partial index's rows), the backlog.
 *
 * <p>{@code state}, the one word: {@code paused} (the kill switch for every workspace), {@code
 * held} (sends wait for a reason of Tally's other than quiet hours, such as no SMTP server), {@code
 * not_sending} (this process delivers nothing: {@code --sender-interval 0s}; another may), {@code
 * idle} (nothing due) or {@code delivering}.
 *
 * @param sending whether this process runs a sender
 * @param smtp whether this process has an SMTP server for email
 */
record MessagingStatus(boolean sending, boolean smtp) {
  static final String QUIET_HOURS = "quiet_hours";

  ObjectNode toJson(Store store, long nowMillis) {
    Map<Long, Long> pauses = new TreeMap<>(store.messagingPauses());
    Long everywhere = pauses.remove(0L);
    long queued = 0;
    long held = 0;
    long retrying = 0;
    Map<String, Long> heldBy = new TreeMap<>();
    for (Send.Waiting w : store.waitingSends()) {
      if (w.state().equals(Send.HELD)) {
        held += w.count();
        heldBy.merge(w.reason() == null ? "" : w.reason(), w.count(), Long::sum);
      } else {
        queued += w.count();
        retrying += w.reason() == null ? 0 : w.count();
      }
    }
    Send.Backlog backlog = store.sendBacklog(nowMillis);
    long oldestAge =
        backlog.oldestDueAt() == 0 ? 0 : Math.max(0, nowMillis - backlog.oldestDueAt()) / 1000;
    boolean heldByTally = heldBy.entrySet().stream().anyMatch(e -> !e.getKey().equals(QUIET_HOURS));
    String state =
        everywhere != null
            ? "paused"
            : heldByTally
                ? "held"
                : !sending ? "not_sending" : backlog.due() == 0 ? "idle" : "delivering";
    ObjectNode o = Json.object().put("state", state);
    o.put("paused_since", everywhere == null ? null : everywhere / 1000);
    ArrayNode ws = o.putArray("paused_workspaces");
    pauses.forEach(
        (id, at) -> ws.addObject().put("id", Ids.format(id)).put("paused_since", at / 1000));
    o.putObject("queue").put("queued", queued).put("held", held).put("retrying", retrying);
    ArrayNode reasons = o.putArray("held");
    heldBy.forEach((reason, n) -> reasons.addObject().put("reason", reason).put("count", n));
    o.put("due", backlog.due());
    o.put("oldest_due_age_seconds", oldestAge);
    o.putObject("sender").put("running", sending).put("smtp", smtp);
    return o;
  }
}
