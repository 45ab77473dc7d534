package dev.tally.core.model;

import java.util.Set;

/**
 * A campaign of one workspace as the store keeps it: its name, its state ({@link #DRAFT}, {@link
 * #RUNNING}, {@link #PAUSED}), its checked definition (JSON: trigger, audience, steps, limits) and,
 * once started, when and at which oplog position (fan-out reads an index at least that far), and
 * for a broadcast when its audience was fanned out (null: not yet).
 */
public record Campaign(
    long id,
    long workspaceId,
    String name,
    String state,
    String definitionJson,
    long version,
    long createdAt,
    long updatedAt,
    Long startedAt,
    Long startPosition,
    Long fannedOutAt) {

  public static final String DRAFT = "draft";
  public static final String RUNNING = "running";
  public static final String PAUSED = "paused";

  public static final Set<String> STATES = Set.of(DRAFT, RUNNING, PAUSED);
}
