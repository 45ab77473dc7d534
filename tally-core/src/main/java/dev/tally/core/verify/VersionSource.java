package dev.tally.core.verify;

import java.util.List;

/**
 * Either side of a verification: the (id, version) of every contact, by bucket digest and by id
 * range.
 */
public interface VersionSource {

  /**
   * Digests of every contact's (id, version), one per bucket of ids, in bucket order; see {@link
   * VersionDigest}.
   */
  List<VersionDigest> versionDigests();

  /** The (id, version) of every contact with {@code fromId <= id < toId}, in id order. */
  List<IdVersion> versions(long fromId, long toId);
}
