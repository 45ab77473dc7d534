package dev.tally.store.postgres.doctor;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the doctor read from the catalog, all in one read-only transaction.
 *
 * @param examinedAt the server's now() in that transaction
 * @param insertsByTableOid pg_stat_user_tables.n_tup_ins by table oid
 * @param statsResetAt pg_stat_database.stats_reset, null if statistics were never reset
 * @param previousSamples the sample of each sequence to measure growth against, by sequence name
 */
public record CatalogSnapshot(
    String schema,
    Instant examinedAt,
    List<KeyColumn> keyColumns,
    List<SequenceFeed> sequences,
    Map<Long, Long> insertsByTableOid,
    Instant statsResetAt,
    Map<String, SequenceSample> previousSamples) {}
