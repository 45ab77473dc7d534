package dev.tally.core.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The standard (built-in) attributes of each model, as GET /data_attributes lists them with {@code
 * custom: false}, and the names they reserve. Contacts' are derived from {@link ContactField}: the
 * switch in {@link #contact(ContactField)} has no default, so a field added there without a label
 * here does not compile, and the list cannot drift from what a contact has. Companies' are
 * Intercom's list (its 2.11 example of GET /data_attributes?model=company: names, labels,
 * descriptions, types and writability as given there).
 *
 * <p>A custom attribute may not be named like a built-in of its own model (Intercom's rule: "'Name'
 * is one of our standard attributes for your people data"), compared without case; a nested
 * built-in ({@code location.city}, {@code plan.name}) reserves its top-level name ({@code
 * location}, {@code plan}). The other model's built-ins are free: a contact attribute may be called
 * {@code website}.
 */
public final class BuiltInAttributes {

  /**
   * One built-in attribute: Intercom's data_attribute without {@code id}, {@code created_at} and
   * {@code updated_at}. {@code name} is the last part of {@code fullName} ({@code plan.name} is
   * named {@code name}, as in Intercom's list).
   */
  public record Attribute(
      String model,
      String name,
      String fullName,
      String label,
      String description,
      FieldType type,
      boolean apiWritable,
      boolean messengerWritable) {}

  private static final List<Attribute> CONTACT;
  private static final List<Attribute> COMPANY =
      List.of(
          company("name", "Company name", "The name of a company", FieldType.STRING, true),
          company(
              "company_id",
              "Company ID",
              "A number identifying a company",
              FieldType.STRING,
              false),
          company(
              "plan.name",
              "Plan",
              "A specific plan or level within your product that companies have signed up to",
              FieldType.STRING,
              false),
          company(
              "size",
              "Company size",
              "The number of people employed in this company, expressed as a single number",
              FieldType.INTEGER,
              true),
          company(
              "website",
              "Company website",
              "The web address for the company's primary marketing site",
              FieldType.STRING,
              true),
          company(
              "industry",
              "Company industry",
              "The category or domain this company belongs to e.g. 'ecommerce' or 'SaaS'",
              FieldType.STRING,
              true),
          company(
              "monthly_spend",
              "Monthly Spend",
              "The monthly revenue you receive from a company",
              FieldType.FLOAT,
              true),
          company(
              "session_count",
              "Company web sessions",
              "All visits from anyone in a company to your product's site or app",
              FieldType.INTEGER,
              false),
          company(
              "user_count",
              "People",
              "The number of people in a company",
              FieldType.INTEGER,
              false),
          company(
              "remote_created_at",
              "Company created at",
              "The day a company was added to Intercom",
              FieldType.DATE,
              true),
          company(
              "created_at",
              "Created at",
              "The time the company was added to Intercom",
              FieldType.DATE,
              false),
          company(
              "updated_at",
              "Updated at",
              "The last time the company was updated",
              FieldType.DATE,
              false),
          company(
              "last_request_at",
              "Company last seen",
              "The last day anyone from a company visited your site or app",
              FieldType.DATE,
              false));

  private static final Set<String> CONTACT_RESERVED;
  private static final Set<String> COMPANY_RESERVED;

  static {
    List<Attribute> contact = new ArrayList<>();
    for (ContactField f : ContactField.values()) {
      contact.add(contact(f));
    }
    CONTACT = List.copyOf(contact);
    CONTACT_RESERVED = reserved(CONTACT);
    COMPANY_RESERVED = reserved(COMPANY);
  }

  private BuiltInAttributes() {}

  /** The model's built-ins, in a fixed order (contacts: {@link ContactField}'s). */
  public static List<Attribute> of(String model) {
    return switch (DataAttribute.requireModel(model)) {
      case DataAttribute.MODEL_CONTACT -> CONTACT;
      default -> COMPANY;
    };
  }

  /** Whether a custom attribute of {@code model} may not be called {@code name}. */
  public static boolean reserves(String model, String name) {
    Set<String> reserved =
        DataAttribute.MODEL_CONTACT.equals(DataAttribute.requireModel(model))
            ? CONTACT_RESERVED
            : COMPANY_RESERVED;
    return reserved.contains(name.toLowerCase(Locale.ROOT));
  }

  private static Set<String> reserved(List<Attribute> attributes) {
    Set<String> names = new HashSet<>();
    for (Attribute a : attributes) {
      names.add(a.fullName().toLowerCase(Locale.ROOT));
      int dot = a.fullName().indexOf('.');
      if (dot > 0) {
        names.add(a.fullName().substring(0, dot).toLowerCase(Locale.ROOT));
      }
    }
    return Set.copyOf(names);
  }

  private static Attribute company(
      String fullName, String label, String description, FieldType type, boolean apiWritable) {
    return new Attribute(
        DataAttribute.MODEL_COMPANY,
        lastPart(fullName),
        fullName,
        label,
        description,
        type,
        apiWritable,
        true);
  }

  /**
   * A contact field as a built-in attribute: API-writable when Tally's create and update requests
   * take it; Messenger-writable for name, email and phone (what a Messenger asks a visitor for).
   */
  private static Attribute contact(ContactField f) {
    String[] text =
        switch (f) {
          case ROLE -> new String[] {"Role", "Whether the contact is a user or a lead"};
          case EXTERNAL_ID ->
              new String[] {"User ID", "A unique identifier for the contact, given by you"};
          case EMAIL -> new String[] {"Email", "The contact's email address"};
          case PHONE -> new String[] {"Phone", "The contact's phone number"};
          case NAME -> new String[] {"Name", "The contact's name"};
          case AVATAR -> new String[] {"Avatar", "The URL of the contact's avatar image"};
          case OWNER_ID -> new String[] {"Owner", "The id of the teammate who owns the contact"};
          case SIGNED_UP_AT -> new String[] {"Signed up", "The time the user signed up"};
          case LAST_SEEN_AT -> new String[] {"Last seen", "The time the contact was last seen"};
          case UNSUBSCRIBED_FROM_EMAILS ->
              new String[] {
                "Unsubscribed from emails", "Whether the contact has unsubscribed from emails"
              };
          case LAST_REPLIED_AT ->
              new String[] {"Last replied", "The time the contact last replied to a message"};
          case LAST_CONTACTED_AT ->
              new String[] {"Last contacted", "The time a teammate last messaged the contact"};
          case LANGUAGE_OVERRIDE ->
              new String[] {
                "Language override", "The language the contact chose to be spoken to in"
              };
          case BROWSER -> new String[] {"Browser", "The browser the contact last used"};
          case BROWSER_LANGUAGE ->
              new String[] {"Browser language", "The language of the contact's browser"};
          case OS -> new String[] {"OS", "The operating system the contact last used"};
          case LOCATION_COUNTRY -> new String[] {"Country", "The country the contact is in"};
          case LOCATION_REGION -> new String[] {"Region", "The region the contact is in"};
          case LOCATION_CITY -> new String[] {"City", "The city the contact is in"};
          case EMAIL_DOMAIN -> new String[] {"Email domain", "The domain of the contact's email"};
          case CREATED_AT -> new String[] {"Created at", "The time the contact was created"};
          case UPDATED_AT -> new String[] {"Updated at", "The time the contact was last updated"};
        };
    boolean writable = f.clientWritable();
    return new Attribute(
        DataAttribute.MODEL_CONTACT,
        lastPart(f.jsonName()),
        f.jsonName(),
        text[0],
        text[1],
        f.type(),
        writable,
        f == ContactField.NAME || f == ContactField.EMAIL || f == ContactField.PHONE);
  }

  private static String lastPart(String fullName) {
    return fullName.substring(fullName.lastIndexOf('.') + 1);
  }
}
