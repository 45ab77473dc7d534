package dev.tally.core.model;

import java.util.List;

/** One page of a keyset-paginated listing; {@code more} says whether a next page exists. */
public record Page<T>(List<T> items, boolean more) {}
