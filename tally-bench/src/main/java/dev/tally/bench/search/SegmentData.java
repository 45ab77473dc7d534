package dev.tally.bench.search;

import dev.tally.bench.common.BenchOptions;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The segment-query data set, generated once from a fixed seed and held in columns so the Tally
 * index, the hand-written Lucene peer (same index) and PostgreSQL get exactly the same rows.
 * Distributions are independent and chosen so that the benchmark segment selects 3% in expectation:
 * role=user 60% × plan=pro 25% × created_at ≥ T1 50% × seats &lt; S 40%.
 */
final class SegmentData {
  static final String[] ROLES = {"user", "lead"};
  static final String[] PLANS = {"free", "starter", "pro", "enterprise"};
  static final String[] COUNTRIES = {"US", "DE", "FR", "GB", "BR", "IN", "JP", "CA", "ES", "NL"};

  /** Ids above 2^53, so that nothing on the way may pass through a double. */
  static final long ID_BASE = 1L << 53;

  static final long WORKSPACE = ID_BASE + 7;
  static final long CREATED_FROM = 1_600_000_000L;
  static final long CREATED_SPAN = 2 * 365 * 86_400L;

  /** created_at ≥ T1 selects half. */
  static final long T1 = CREATED_FROM + CREATED_SPAN / 2;

  /** seats is uniform in 1..100; seats &lt; S selects 40%. */
  static final long S = 41;

  /**
   * The clock the segment is asked at (the query has no relative dates, so it only fills the
   * request).
   */
  static final long NOW = 1_700_000_000L;

  /**
   * What both segment benchmarks take from the command line: the data's size, the rounds, and the
   * PostgreSQL peer's database.
   */
  record Options(int contacts, int runs, int warmup, String pgUrl, String pgUser) {
    static Options of(BenchOptions o) {
      return new Options(
          o.integer("contacts", 1_000_000),
          o.positive("runs", 200),
          o.integer("warmup", 50),
          o.string("pg-url", "jdbc:postgresql://127.0.0.1:5432/test"),
          o.string("pg-user", "postgres"));
    }
  }

  final int n;
  final byte[] role;
  final byte[] plan;
  final byte[] country;
  final long[] createdAt;
  final long[] seats;

  SegmentData(int n) {
    this.n = n;
    role = new byte[n];
    plan = new byte[n];
    country = new byte[n];
    createdAt = new long[n];
    seats = new long[n];
    SplittableRandom rnd = new SplittableRandom(20251122L);
    for (int i = 0; i < n; i++) {
      role[i] = (byte) (rnd.nextDouble() < 0.6 ? 0 : 1);
      double p = rnd.nextDouble();
      plan[i] = (byte) (p < 0.40 ? 0 : p < 0.65 ? 1 : p < 0.90 ? 2 : 3);
      createdAt[i] = CREATED_FROM + rnd.nextLong(CREATED_SPAN);
      seats[i] = 1 + rnd.nextLong(100);
      country[i] = (byte) rnd.nextInt(COUNTRIES.length);
    }
  }

  long id(int i) {
    return ID_BASE + i;
  }

  String email(int i) {
    return "u" + i + "@example.com";
  }

  ContactDocument document(int i) {
    Map<ContactField, Object> fields = new LinkedHashMap<>();
    fields.put(ContactField.ROLE, ROLES[role[i]]);
    fields.put(ContactField.EMAIL, email(i));
    fields.put(ContactField.CREATED_AT, createdAt[i]);
    fields.put(ContactField.LOCATION_COUNTRY, COUNTRIES[country[i]]);
    Map<String, Object> custom = new LinkedHashMap<>();
    custom.put("plan", PLANS[plan[i]]);
    custom.put("seats", seats[i]);
    return new ContactDocument(new Contact(id(i), WORKSPACE, 1, fields, custom), Map.of());
  }

  List<ContactDocument> documents(int from, int to) {
    List<ContactDocument> docs = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      docs.add(document(i));
    }
    return docs;
  }

  /** The report's line on the data, given the {@code expected} count of the segment. */
  String summary(long expected) {
    return String.format(
        "- data: %,d contacts in one workspace (ids above 2^53); the segment selects %,d = %.2f%%",
        n, expected, 100.0 * expected / n);
  }

  /**
   * The true answer for (T1 = t1, S = s): the count, computed by a scan, to check all three systems
   * against.
   */
  long expectedCount(long t1, long s) {
    long c = 0;
    for (int i = 0; i < n; i++) {
      if (role[i] == 0 && plan[i] == 2 && createdAt[i] >= t1 && seats[i] < s) {
        c++;
      }
    }
    return c;
  }
}
