package dev.tally.core.verify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A version source that can visit its live contacts: the digests and id ranges are made from that
 * one scan.
 */
public interface ScannedVersions extends VersionSource {

  /**
   * Visits the (id, version) of every live contact with {@code fromId <= id < toId}, in any order.
   */
  void eachLive(long fromId, long toId, BiConsumer<Long, Long> visit);

  @Override
  default List<VersionDigest> versionDigests() {
    VersionDigest.Builder digests = new VersionDigest.Builder();
    eachLive(Long.MIN_VALUE, Long.MAX_VALUE, digests::add);
    return digests.build();
  }

  @Override
  default List<IdVersion> versions(long fromId, long toId) {
    List<IdVersion> out = new ArrayList<>();
    eachLive(fromId, toId, (id, version) -> out.add(new IdVersion(id, version)));
    out.sort(Comparator.comparingLong(IdVersion::id));
    return out;
  }
}
