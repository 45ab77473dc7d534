package dev.tally.bench.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactPatch;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.store.Outcome;
import dev.tally.core.store.Store;
import dev.tally.core.store.WriteWork;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The contacts the rebuild and recovery benchmarks load: role, external_id, email, name,
 * signed_up_at, last_seen_at, country and four custom attributes (plan, seats, mrr, beta), drawn
 * from a seeded random source so that every run loads the same, written through the store's own
 * path ({@code Store.writeEach}, chunks of 2,000).
 */
public final class GeneratedContacts {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] PLANS = {"free", "starter", "pro", "enterprise"};
  private static final String[] COUNTRIES = {
    "US", "DE", "FR", "GB", "BR", "IN", "JP", "CA", "ES", "NL"
  };

  private GeneratedContacts() {}

  /** Creates a workspace and contacts 0 ..< {@code n} in it; returns the seconds it took. */
  static double createAndLoad(Store store, int n) throws Exception {
    long t0 = System.nanoTime();
    long ws = store.write(tx -> tx.createWorkspace("w")).value().id();
    load(store, ws, 0, n);
    return (System.nanoTime() - t0) / 1e9;
  }

  /**
   * Creates contacts {@code from} ..< {@code from + n} in workspace {@code ws}; returns the seconds
   * it took.
   */
  public static double load(Store store, long ws, int from, int n) throws Exception {
    long t0 = System.nanoTime();
    SplittableRandom rnd = new SplittableRandom(7 + from);
    for (int at = from; at < from + n; at += 2000) {
      List<WriteWork<Contact>> works = new ArrayList<>();
      for (int i = at; i < Math.min(from + n, at + 2000); i++) {
        ContactPatch patch =
            ContactPatchParser.parse(JSON.readTree(json(rnd, i)), ContactPatchParser.Mode.CREATE);
        works.add(tx -> tx.createContact(ws, patch));
      }
      write(store, works);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Writes {@code works} in one {@code writeEach}; throws the first error. */
  static void write(Store store, List<WriteWork<Contact>> works) throws Exception {
    for (Outcome<Contact> o : store.writeEach(works)) {
      if (!o.ok()) {
        throw o.error();
      }
    }
  }

  /** Contact number {@code i}'s body, as POST /contacts takes it. */
  static String json(SplittableRandom rnd, long i) {
    return "{\"role\":\""
        + (rnd.nextDouble() < 0.6 ? "user" : "lead")
        + "\",\"external_id\":\"r-"
        + i
        + "\",\"email\":\"r"
        + i
        + "@example.com\",\"name\":\"Contact "
        + i
        + "\",\"signed_up_at\":"
        + (1_600_000_000L + rnd.nextLong(63_072_000L))
        + ",\"last_seen_at\":"
        + (1_660_000_000L + rnd.nextLong(31_536_000L))
        + ",\"location\":{\"country\":\""
        + COUNTRIES[rnd.nextInt(COUNTRIES.length)]
        + "\"},\"custom_attributes\":{\"plan\":\""
        + PLANS[rnd.nextInt(PLANS.length)]
        + "\",\"seats\":"
        + (1 + rnd.nextLong(100))
        + ",\"mrr\":"
        + (rnd.nextInt(100_000) / 100.0)
        + ",\"beta\":"
        + rnd.nextBoolean()
        + "}}";
  }
}
