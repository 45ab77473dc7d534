package dev.tally.core.store;

import dev.tally.core.TallyException;

/**
 * How many distinct event names and custom data attributes one workspace may have. Both are
 * per-workspace name spaces that every write can grow, and each name costs for good: a field in
 * every projected document that carries it (three per event name), a row in GET /data_attributes.
 * Unbounded, one tenant's burst of new names made the projector fall behind for every tenant. So
 * the store refuses a write that would add a name past the cap, inside its write transaction (two
 * writers racing cannot both take the last place); names a workspace already has keep working at
 * the cap. A name stays counted once used: definitions are never removed, and an event name stays
 * when the contacts that did it are deleted (as in Intercom, where only archiving frees a place).
 *
 * @param maxEventNames distinct event names per workspace ({@code --max-event-names})
 * @param maxCustomAttributes custom data attributes per workspace and model ({@code
 *     --max-custom-attributes}: so many of contacts and so many of companies), whether defined by
 *     POST /data_attributes or by a first value
 */
public record WorkspaceLimits(int maxEventNames, int maxCustomAttributes) {

  /**
   * Intercom's documented cap on custom data attributes (250 a workspace, archived ones included)
   * and four times its cap on active event names (120; archived ones do not count there, and Tally
   * cannot archive).
   */
  public static final WorkspaceLimits DEFAULTS = new WorkspaceLimits(500, 250);

  public WorkspaceLimits {
    if (maxEventNames < 1 || maxCustomAttributes < 1) {
      throw new IllegalArgumentException(
          "workspace limits must be positive, got maxEventNames "
              + maxEventNames
              + ", maxCustomAttributes "
              + maxCustomAttributes);
    }
  }

  /**
   * Live tags per workspace: fixed, not a setting. GET /tags answers every tag in one list
   * (Intercom's tag list has no pages), so the cap bounds that answer (about 1 MB at 10,000 tags of
   * 100 characters) and the tag filters one query can name. Deleted tags do not count.
   */
  public static final int MAX_TAGS = 10_000;

  public int maxTags() {
    return MAX_TAGS;
  }

  /** The refusal of a new tag in a workspace that has {@code have} live tags already. */
  public TallyException tagsReached(String name, long have) {
    return new TallyException(
        TallyException.Kind.BAD_REQUEST,
        "tag_limit_reached",
        "name",
        "tag "
            + TallyException.quote(name)
            + " would be a new tag, but this workspace has "
            + have
            + " tags and may have at most "
            + MAX_TAGS
            + ". Retrying will not help: delete tags it no longer needs, or use one it has");
  }

  /** The refusal of a new event name in a workspace that has {@code have} already. */
  public TallyException eventNamesReached(String name, long have) {
    return new TallyException(
        TallyException.Kind.BAD_REQUEST,
        "event_name_limit_reached",
        "event_name",
        "event_name "
            + TallyException.quote(name)
            + " would be a new event name, but this workspace has "
            + have
            + " distinct event names and may have at most "
            + maxEventNames
            + " (the setting --max-event-names); events with a name it has are still recorded. "
            + "Retrying will not help: use an event name the workspace has, or ask the operator "
            + "to raise --max-event-names");
  }

  /**
   * The refusal of a new custom attribute of {@code model} in a workspace that has {@code have} of
   * that model already; {@code field} is where the request named it ({@code
   * custom_attributes.<name>}, or {@code name} when defined by POST /data_attributes).
   */
  public TallyException customAttributesReached(
      String field, String model, String name, long have) {
    return new TallyException(
        TallyException.Kind.BAD_REQUEST,
        "custom_data_limit_reached",
        field,
        "custom_attributes."
            + name
            + " would be a new custom attribute of the "
            + model
            + " model, but this workspace has "
            + have
            + " custom attributes of that model and may have at most "
            + maxCustomAttributes
            + " of each model (the setting --max-custom-attributes); the attributes it has can still be "
            + "written. Retrying will not help: leave the attribute out, use one the workspace "
            + "has, or ask the operator to raise --max-custom-attributes");
  }
}
