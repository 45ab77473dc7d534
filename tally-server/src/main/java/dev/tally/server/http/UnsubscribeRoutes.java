package dev.tally.server.http;

import dev.tally.core.TallyException;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactField;
import dev.tally.core.model.ContactPatch;
import dev.tally.core.store.Store;
import dev.tally.server.messaging.UnsubscribeTokens;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;

/**
 * The one-click unsubscribe link of every email (RFC 8058), outside the workspace tokens: the
 * signed {@code t} names the workspace and the contact ({@link UnsubscribeTokens}).
 *
 * <ul>
 *   <li>{@code POST /unsubscribe?t=…} (what a mailbox provider sends for {@code
 *       List-Unsubscribe-Post: List-Unsubscribe=One-Click}, and what the page's button sends) sets
 *       {@code unsubscribed_from_emails: true} by a contact update through the one door, and
 *       answers 200. Already unsubscribed, or the contact deleted: 200, nothing written.
 *   <li>{@code GET /unsubscribe?t=…} answers a page with a button that POSTs, and changes nothing:
 *       mail scanners fetch every link in a message, and must not unsubscribe anyone.
 *   <li>A token that is malformed or not signed by this store's key: 400, nothing changes.
 * </ul>
 */
final class UnsubscribeRoutes {
  private final Store store;
  private volatile UnsubscribeTokens tokens;

  UnsubscribeRoutes(Store store) {
    this.store = store;
  }

  void register(Javalin app) {
    app.get(UnsubscribeTokens.PATH, this::page);
    app.post(UnsubscribeTokens.PATH, this::unsubscribe);
  }

  /** The key is read (or made) on first use, so a Tally that never sends email never makes one. */
  private UnsubscribeTokens tokens() {
    UnsubscribeTokens t = tokens;
    if (t == null) {
      t = UnsubscribeTokens.of(store);
      tokens = t;
    }
    return t;
  }

  private UnsubscribeTokens.Target target(Context ctx) {
    String t = ctx.queryParam("t");
    Optional<UnsubscribeTokens.Target> target = tokens().check(t);
    if (target.isEmpty()) {
      throw TallyException.invalid(
          "t",
          t == null
              ? "the unsubscribe link has no token (t): use the whole link from the email"
              : "the unsubscribe link's token (t) is not valid: it was changed, cut short, or not made by this Tally; use the whole link from the email");
    }
    return target.get();
  }

  private void page(Context ctx) {
    String token = ctx.queryParam("t");
    target(ctx);
    html(
        ctx,
        "Unsubscribe",
        "<p>Stop receiving these emails?</p>"
            + "<form method=\"post\" action=\""
            + UnsubscribeTokens.PATH
            + "?t="
            + escape(token)
            + "\"><button type=\"submit\">Unsubscribe</button></form>");
  }

  private void unsubscribe(Context ctx) {
    UnsubscribeTokens.Target target = target(ctx);
    Optional<Contact> contact = store.contact(target.workspaceId(), target.contactId());
    if (contact.isEmpty()) {
      html(
          ctx,
          "Unsubscribed",
          "<p>There is nothing to unsubscribe: this address is not on file.</p>");
      return;
    }
    if (!Boolean.TRUE.equals(contact.get().get(ContactField.UNSUBSCRIBED_FROM_EMAILS))) {
      try {
        store.write(
            tx ->
                tx.updateContact(
                    target.workspaceId(),
                    target.contactId(),
                    new ContactPatch(
                        Map.of(ContactField.UNSUBSCRIBED_FROM_EMAILS, true), Map.of())));
      } catch (TallyException e) {
        if (e.kind() != TallyException.Kind.NOT_FOUND) {
          throw e;
        }
        // deleted between the read and the write: nothing to do
      }
    }
    html(ctx, "Unsubscribed", "<p>You are unsubscribed: no more of these emails will be sent.</p>");
  }

  private static void html(Context ctx, String title, String body) {
    ctx.status(200);
    ctx.contentType("text/html; charset=utf-8");
    ctx.header("Cache-Control", "no-store");
    ctx.result(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>"
            + title
            + "</title></head><body>"
            + body
            + "</body></html>");
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
