package dev.tally.core.store;

import dev.tally.core.TallyException;

/** What became of one of several independent writes: written, or refused with an error. */
public record Outcome<T>(Written<T> written, TallyException error) {
  public boolean ok() {
    return error == null;
  }
}
