package dev.tally.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactField;
import dev.tally.core.model.Note;
import java.util.List;
import java.util.Objects;

/**
 * Renders a contact as Intercom's contact object (API 2.11): every key present, null when unset,
 * ids as strings, except owner_id, a teammate's id, which the spec types as an integer.
 */
final class ContactJson {
  private ContactJson() {}

  /** Intercom shows at most this many of a contact's tags in its object; the url lists them all. */
  static final int SHOWN_TAGS = 10;

  /** Intercom shows at most this many of a contact's notes in its object, newest first. */
  static final int SHOWN_NOTES = 10;

  /** A contact document (with its live tags and companies) and its notes' count and newest ids. */
  static ObjectNode render(ContactDocument d, Note.Summary notes) {
    return render(d.contact(), d.tagIds(), d.companyIds(), notes);
  }

  /** A contact, its live tag and company ids (ascending) and its notes' count and newest ids. */
  static ObjectNode render(
      Contact c, List<Long> tagIds, List<Long> companyIds, Note.Summary notes) {
    ObjectNode o = Json.object();
    String id = Ids.format(c.id());
    o.put("type", "contact");
    o.put("id", id);
    o.put("workspace_id", Ids.format(c.workspaceId()));
    string(o, "external_id", c, ContactField.EXTERNAL_ID);
    o.put("role", c.role());
    // email and email_domain are strings in the spec, not nullable: "" when the contact has none.
    o.put("email", Objects.requireNonNullElse(c.string(ContactField.EMAIL), ""));
    o.put("email_domain", Objects.requireNonNullElse(c.string(ContactField.EMAIL_DOMAIN), ""));
    string(o, "phone", c, ContactField.PHONE);
    o.putNull("formatted_phone"); // Tally keeps the phone as written; it formats none
    string(o, "name", c, ContactField.NAME);
    String avatar = c.string(ContactField.AVATAR);
    if (avatar == null) {
      o.putNull("avatar");
    } else {
      o.putObject("avatar").put("type", "avatar").put("image_url", avatar);
    }
    Long owner = c.number(ContactField.OWNER_ID);
    if (owner == null) {
      o.putNull("owner_id");
    } else {
      o.put("owner_id", owner.longValue()); // a teammate's id: an integer (< 2^53) in the spec
    }
    o.putObject("social_profiles").put("type", "list").putArray("data");
    o.put("has_hard_bounced", false);
    o.put("marked_email_as_spam", false);
    o.put(
        "unsubscribed_from_emails",
        Boolean.TRUE.equals(c.get(ContactField.UNSUBSCRIBED_FROM_EMAILS)));
    for (ContactField f :
        new ContactField[] {
          ContactField.CREATED_AT,
          ContactField.UPDATED_AT,
          ContactField.SIGNED_UP_AT,
          ContactField.LAST_SEEN_AT,
          ContactField.LAST_REPLIED_AT,
          ContactField.LAST_CONTACTED_AT
        }) {
      number(o, f.jsonName(), c, f);
    }
    o.putNull("last_email_opened_at");
    o.putNull("last_email_clicked_at");
    string(o, "language_override", c, ContactField.LANGUAGE_OVERRIDE);
    string(o, "browser", c, ContactField.BROWSER);
    o.putNull("browser_version");
    string(o, "browser_language", c, ContactField.BROWSER_LANGUAGE);
    string(o, "os", c, ContactField.OS);
    ObjectNode loc = o.putObject("location");
    loc.put("type", "location");
    string(loc, "country", c, ContactField.LOCATION_COUNTRY);
    string(loc, "region", c, ContactField.LOCATION_REGION);
    string(loc, "city", c, ContactField.LOCATION_CITY);
    loc.putNull("country_code");
    loc.putNull("continent_code");
    // Mobile SDK fields of the schema: Tally has no mobile SDK, so they are always null.
    for (String platform : new String[] {"android", "ios"}) {
      for (String f :
          new String[] {
            "_app_name", "_app_version", "_device", "_os_version", "_sdk_version", "_last_seen_at"
          }) {
        o.putNull(platform + f);
      }
    }
    ObjectNode custom = o.putObject("custom_attributes");
    c.custom().forEach((k, v) -> custom.set(k, Json.MAPPER.valueToTree(v)));
    addressables(o, "tags", "tag", tagIds, "/contacts/" + id + "/tags", "/tags/");
    ObjectNode noteList = o.putObject("notes");
    noteList.put("type", "list");
    ArrayNode noteData = noteList.putArray("data");
    for (long noteId : notes.newestIds()) {
      noteData
          .addObject()
          .put("type", "note")
          .put("id", Ids.format(noteId))
          .put("url", "/notes/" + Ids.format(noteId));
    }
    noteList.put("url", "/contacts/" + id + "/notes");
    noteList.put("total_count", notes.count());
    noteList.put("has_more", notes.count() > notes.newestIds().size());
    addressables(
        o, "companies", "company", companyIds, "/contacts/" + id + "/companies", "/companies/");
    return o;
  }

  /** The contact as a write transaction sees it, with its tags, companies and notes. */
  static ObjectNode render(dev.tally.core.store.WriteTx tx, long ws, Contact c) {
    List<Long> tagIds = tx.contactTags(ws, c.id()).stream().map(t -> t.tag().id()).toList();
    List<Long> companyIds =
        tx.contactCompanies(ws, c.id()).stream().map(a -> a.company().id()).toList();
    return render(c, tagIds, companyIds, tx.noteSummary(ws, c.id(), SHOWN_NOTES));
  }

  /**
   * Intercom's short answer about one contact ({@code contact_deleted}, {@code contact_archived},
   * {@code contact_unarchived}): its id, external_id (null when it has none), type and one flag.
   */
  static ObjectNode flagged(Contact c, String flag, boolean value) {
    ObjectNode o = Json.object();
    o.put("id", Ids.format(c.id()));
    String externalId = c.string(ContactField.EXTERNAL_ID);
    if (externalId == null) {
      o.putNull("external_id");
    } else {
      o.put("external_id", externalId);
    }
    o.put("type", "contact");
    o.put(flag, value);
    return o;
  }

  /**
   * Intercom's list of addressable objects: the first {@link #SHOWN_TAGS} ids as {type, id, url},
   * the url listing them all, the total and whether more exist than shown.
   */
  private static void addressables(
      ObjectNode o, String name, String type, List<Long> ids, String url, String itemUrl) {
    ObjectNode l = o.putObject(name);
    l.put("type", "list");
    ArrayNode data = l.putArray("data");
    for (long itemId : ids.subList(0, Math.min(SHOWN_TAGS, ids.size()))) {
      data.addObject()
          .put("type", type)
          .put("id", Ids.format(itemId))
          .put("url", itemUrl + Ids.format(itemId));
    }
    l.put("url", url);
    l.put("total_count", ids.size());
    l.put("has_more", ids.size() > SHOWN_TAGS);
  }

  private static void string(ObjectNode o, String key, Contact c, ContactField f) {
    String v = c.string(f);
    if (v == null) {
      o.putNull(key);
    } else {
      o.put(key, v);
    }
  }

  private static void number(ObjectNode o, String key, Contact c, ContactField f) {
    Long v = c.number(f);
    if (v == null) {
      o.putNull(key);
    } else {
      o.put(key, v);
    }
  }
}
