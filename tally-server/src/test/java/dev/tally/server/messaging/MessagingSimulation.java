package dev.tally.server.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.TallyException;
import dev.tally.core.messaging.Backoff;
import dev.tally.core.model.Campaign;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactField;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.model.ContactRef;
import dev.tally.core.model.DataAttributeInput;
import dev.tally.core.model.EventInput;
import dev.tally.core.model.OplogEntry;
import dev.tally.core.model.Send;
import dev.tally.core.query.QueryLimits;
import dev.tally.core.store.Store;
import dev.tally.server.search.SearchService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * The randomized messaging simulation of issue 13 (RELIABILITY.md, "Messaging"): random
 * interleavings of contact changes, events, deletions, archiving, unsubscribes, campaign pauses,
 * the kill switch, store outages, time passing and sender rounds, run in process on the real store
 * (through {@link FaultyStore}), the real event fan-out ({@link FanOut}) and two real {@link
 * Sender}s delivering over HTTP to a real local webhook receiver that answers 2xx, 5xx, 429 or 4xx
 * as the script says. The receiver is the oracle: at the moment of each delivery it reads the store
 * (underneath the faults) and judges, with its own rules rather than the product's evaluator,
 * whether the send may go out. After the script the world settles (outages end, pauses lift, time
 * passes every expiry) and every send must be final.
 *
 * <p>What is required of every run:
 *
 * <ul>
 *   <li>each delivery is of a send whose contact, at that moment, exists, is not archived, matches
 *       the campaign's audience (and has not met an earlier {@code exit_when}, and is outside quiet
 *       hours), of a running campaign whose workspace's messaging is not paused, and that is not
 *       final yet;
 *   <li>a delivery's Idempotency-Key is its send's id, and each (campaign, step, contact,
 *       occurrence) is one send;
 *   <li>a send is accepted (2xx) twice only if a fault came between the two (a record lost to an
 *       outage, or a lease that lapsed during a slow delivery): the repeat the design allows, with
 *       the same key; a send recorded {@code sent} was accepted by the receiver;
 *   <li>after settling, every send the oplog says was queued is there and final, with a reason
 *       where one is due.
 * </ul>
 *
 * <p>One instance serves many tries (one store, one receiver); each try has its own workspaces,
 * campaigns and senders, and starts at noon of a new day, so a try replays the same way whatever
 * ran before it.
 */
final class MessagingSimulation implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration LEASE = Duration.ofSeconds(60);

  /** An answer of the receiver that is not a status: the delivery outlasts the sender's lease. */
  static final int SLOW = -1;

  private static final AtomicInteger TRIES = new AtomicInteger();

  private final AtomicReference<Instant> now;
  private final Store real;
  private final FaultyStore faults;
  private final Store store;
  private final SearchService search;
  private final WebhookReceiver receiver;
  private final ConcurrentLinkedQueue<Integer> answers = new ConcurrentLinkedQueue<>();
  private final AtomicLong lapses = new AtomicLong();
  private volatile Try current;
  private final Map<String, AtomicLong> tally = new java.util.concurrent.ConcurrentSkipListMap<>();

  private void count(String what) {
    tally.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
  }

  /** What the runs so far did: deliveries, sends by final state and reason, faults, changes. */
  String summary() {
    return "faults injected " + faults.faults() + ", leases lapsed " + lapses.get() + ", " + tally;
  }

  /**
   * @param open opens the real store on the simulation's clock
   */
  MessagingSimulation(Function<InstantSource, Store> open) {
    now = new AtomicReference<>(Instant.parse("2031-03-01T12:00:00Z"));
    InstantSource clock = () -> now.get();
    real = open.apply(clock);
    faults = FaultyStore.around(real);
    store = faults.store();
    // Event fan-out and the sender's parsers need the workspace's attributes only, never the index
    // (event triggers fan out from the oplog, the final check reads the store): there is none.
    search =
        new SearchService(
            store, null, null, QueryLimits.DEFAULTS, Duration.ofSeconds(1), clock, null);
    try {
      receiver = WebhookReceiver.answeringWith(this::deliver);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws Exception {
    receiver.close();
    real.close();
  }

  // ---- the script ----

  /** Contacts 0-3 are in workspace A, 4-5 in workspace B. */
  static final int CONTACTS = 6;

  /** One step of a script. */
  sealed interface Cmd {}

  /** Changes of the world, as the API would make them (on the store, unaffected by its faults). */
  sealed interface Change extends Cmd {}

  record SetPlan(int contact, String plan) implements Change {}

  record SetChurned(int contact, boolean churned) implements Change {}

  record Unsubscribe(int contact, boolean unsubscribed) implements Change {}

  /** The contact's workspace's event: "upgraded" in A (campaign E), "ping" in B (campaign F). */
  record Track(int contact) implements Change {}

  record Delete(int contact) implements Change {}

  record Archive(int contact, boolean archived) implements Change {}

  /** Queues campaign B's first step for every live contact of A, as a broadcast's fan-out would. */
  record QueueBroadcast() implements Change {}

  /** Pauses or resumes campaign E, B or F (0, 1, 2). */
  record CampaignState(int campaign, boolean running) implements Change {}

  /** The kill switch: 0 every workspace, 1 workspace A, 2 workspace B. */
  record KillSwitch(int scope, boolean paused) implements Change {}

  /** The store is unreachable for the next {@code commands} commands. */
  record Outage(int commands) implements Cmd {}

  /**
   * The store goes away at the n-th call of the sender or the fan-out from now, for the rest of the
   * next command (so it can fall between a delivery and its record).
   */
  record OutageAfter(int calls) implements Cmd {}

  /** In the next command, writes commit but their answer is lost. */
  record AmbiguousWrites() implements Cmd {}

  record Advance(long seconds) implements Cmd {}

  record FanOutRound() implements Cmd {}

  /** Sender 0 or 1 claims and delivers until nothing is due; the receiver answers these. */
  record SenderRound(int sender, List<Integer> answers) implements Cmd {}

  /** A change lands between the sender's next claim and its final check, in a sender round. */
  record Meanwhile(int sender, Change change) implements Cmd {}

  static Arbitrary<Change> changes() {
    return changes(1);
  }

  /**
   * Changes of the world; {@code disruptive} weighs up those that must stop a send (pauses, the
   * kill switch, leaving the audience, deletion, archiving, unsubscribing).
   */
  static Arbitrary<Change> changes(int disruptive) {
    Arbitrary<Integer> contact = Arbitraries.integers().between(0, CONTACTS - 1);
    Arbitrary<Boolean> bool = Arbitraries.of(true, false);
    // Pauses, archiving and unsubscribing are undone more often than done, so that a script spends
    // most of its time with something deliverable.
    Arbitrary<Boolean> mostlyUndo = Arbitraries.frequency(Tuple.of(1, true), Tuple.of(2, false));
    Arbitrary<Boolean> mostlyOn = mostlyUndo.map(b -> !b);
    return Arbitraries.frequencyOf(
        Tuple.of(8, Combinators.combine(contact, Arbitraries.of("pro", "free")).as(SetPlan::new)),
        Tuple.of(3, Combinators.combine(contact, bool).as(SetChurned::new)),
        Tuple.of(3 * disruptive, Combinators.combine(contact, mostlyUndo).as(Unsubscribe::new)),
        Tuple.of(8, contact.map(Track::new)),
        Tuple.of(disruptive, contact.map(Delete::new)),
        Tuple.of(2 * disruptive, Combinators.combine(contact, mostlyUndo).as(Archive::new)),
        Tuple.of(3, Arbitraries.just(new QueueBroadcast())),
        Tuple.of(
            3 * disruptive,
            Combinators.combine(Arbitraries.integers().between(0, 2), bool).as(CampaignState::new)),
        Tuple.of(
            3 * disruptive,
            Combinators.combine(Arbitraries.integers().between(0, 2), bool).as(KillSwitch::new)));
  }

  static Arbitrary<Cmd> commands() {
    Arbitrary<Integer> sender = Arbitraries.integers().between(0, 1);
    Arbitrary<Integer> status =
        Arbitraries.frequency(
            Tuple.of(12, 200),
            Tuple.of(2, 202),
            Tuple.of(3, 500),
            Tuple.of(2, 503),
            Tuple.of(2, 429),
            Tuple.of(1, 410),
            Tuple.of(1, 400),
            Tuple.of(1, SLOW));
    return Arbitraries.frequencyOf(
        Tuple.of(30, changes().map(c -> (Cmd) c)),
        Tuple.of(4, Arbitraries.integers().between(1, 6).map(Outage::new)),
        Tuple.of(2, Arbitraries.integers().between(1, 8).map(OutageAfter::new)),
        Tuple.of(1, Arbitraries.just(new AmbiguousWrites())),
        Tuple.of(
            8,
            Arbitraries.frequency(
                    Tuple.of(3, 1L),
                    Tuple.of(3, 30L),
                    Tuple.of(3, 61L), // past a lease
                    Tuple.of(3, 300L),
                    Tuple.of(2, 3_600L), // past E's wait
                    Tuple.of(1, 4 * 3_600L), // past E's and F's expiry
                    Tuple.of(1, 13 * 3_600L), // into or out of B's quiet hours
                    Tuple.of(1, 26 * 3_600L)) // past every expiry
                .map(Advance::new)),
        Tuple.of(12, Arbitraries.just(new FanOutRound())),
        Tuple.of(18, Combinators.combine(sender, status.list().ofMaxSize(6)).as(SenderRound::new)),
        Tuple.of(10, Combinators.combine(sender, changes(4)).as(Meanwhile::new)));
  }

  static Arbitrary<List<Cmd>> scripts() {
    return commands()
        .list()
        .ofMinSize(20)
        .ofMaxSize(150)
        .withSizeDistribution(RandomDistribution.uniform());
  }

  // ---- one try ----

  /** A receiver's view of one delivery, taken while the sender waited for its answer. */
  record Delivery(String key, long sendId, long epoch, List<String> wrong, AtomicInteger status) {}

  /** The world of one try. */
  private final class Try {
    final long wsA;
    final long wsB;
    final long[] contacts = new long[CONTACTS];
    final long campaignE;
    final long campaignB;
    final long campaignF;
    final long fromPosition;
    final Sender[] senders = new Sender[2];
    final FanOut fanOut;
    final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    final List<String> problems = new CopyOnWriteArrayList<>();
    volatile boolean nested;
    volatile int active;

    Try() {
      int n = TRIES.incrementAndGet();
      Instant t = now.get();
      now.set(t.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)).plusSeconds(12 * 3_600));
      fromPosition = real.head();
      wsA = real.write(tx -> tx.createWorkspace("sim-" + n + "-a")).value().id();
      wsB = real.write(tx -> tx.createWorkspace("sim-" + n + "-b")).value().id();
      for (long ws : new long[] {wsA, wsB}) {
        attribute(ws, "plan", "string");
        attribute(ws, "churned", "boolean");
      }
      for (int i = 0; i < CONTACTS; i++) {
        long ws = i < 4 ? wsA : wsB;
        String body =
            "{\"role\":\"user\",\"email\":\"c"
                + i
                + "@example.com\",\"name\":\"C"
                + i
                + "\",\"custom_attributes\":{\"plan\":\""
                + (i == 2 ? "free" : "pro")
                + "\",\"churned\":false}}";
        contacts[i] =
            real.write(
                    tx ->
                        tx.createContact(
                            ws,
                            ContactPatchParser.parse(json(body), ContactPatchParser.Mode.CREATE)))
                .value()
                .id();
      }
      fanOut = new FanOut(store, search, "sim-fanout", now::get, Duration.ZERO);
      fanOut.run(); // its cursor starts at the head, before any campaign of this try starts
      String hook = webhookStep();
      campaignE =
          campaign(
              wsA,
              "{\"name\":\"E\",\"trigger\":{\"type\":\"event\",\"event_name\":\"upgraded\"},"
                  + PRO
                  + ",\"steps\":["
                  + hook
                  + ",{\"wait\":\"1h\"},{\"exit_when\":{\"field\":\"custom_attributes.churned\","
                  + "\"operator\":\"=\",\"value\":true}},"
                  + hook
                  + "],\"expires_after\":\"2h\"}");
      campaignB =
          campaign(
              wsA,
              "{\"name\":\"B\",\"trigger\":{\"type\":\"broadcast\"},\"audience\":{\"operator\":"
                  + "\"AND\",\"value\":[{\"field\":\"custom_attributes.plan\",\"operator\":\"=\","
                  + "\"value\":\"pro\"},{\"field\":\"unsubscribed_from_emails\",\"operator\":\"=\","
                  + "\"value\":false}]},\"steps\":["
                  + hook
                  + "],\"quiet_hours\":{\"start\":\"22:00\",\"end\":\"06:00\"}}");
      // The script's QueueBroadcast is its fan-out (a broadcast's needs the index, which the
      // simulation leaves out): the product's fan-out must leave it alone.
      real.write(
          tx -> {
            tx.markFannedOut(campaignB);
            return null;
          });
      campaignF =
          campaign(
              wsB,
              "{\"name\":\"F\",\"trigger\":{\"type\":\"event\",\"event_name\":\"ping\"},\"steps\":["
                  + hook
                  + "],\"expires_after\":\"30m\"}");
      for (int i = 0; i < 2; i++) {
        senders[i] =
            new Sender(
                store,
                search::parser,
                new Sender.Options(
                    Duration.ZERO,
                    LEASE,
                    1,
                    Duration.ofSeconds(10),
                    Sender.Options.DEFAULT_HELD_FOR,
                    Backoff.DEFAULT),
                now::get,
                new Random(i),
                null);
      }
    }

    private static final String PRO =
        "\"audience\":{\"field\":\"custom_attributes.plan\",\"operator\":\"=\",\"value\":\"pro\"}";

    private void attribute(long ws, String name, String type) {
      String body =
          "{\"name\":\"" + name + "\",\"model\":\"contact\",\"data_type\":\"" + type + "\"}";
      real.write(tx -> tx.createDataAttribute(ws, DataAttributeInput.parse(json(body))));
    }

    private String webhookStep() {
      return "{\"send\":{\"channel\":\"webhook\",\"url\":\""
          + receiver.url()
          + "\",\"secret\":\"whsec-sim\",\"body\":\"Hi {{name}} on {{custom_attributes.plan}}\"}}";
    }

    private long campaign(long ws, String definition) {
      Campaign c = real.write(tx -> tx.createCampaign(ws, "sim", definition)).value();
      real.write(tx -> tx.setCampaignState(ws, c.id(), Campaign.RUNNING));
      return c.id();
    }

    long workspaceOf(int contact) {
      return contact < 4 ? wsA : wsB;
    }

    long[] campaigns() {
      return new long[] {campaignE, campaignB, campaignF};
    }

    long workspaceOfCampaign(long campaign) {
      return campaign == campaignF ? wsB : wsA;
    }
  }

  /** Runs one script, settles, and throws an {@link AssertionError} naming what went wrong. */
  void run(List<Cmd> script) {
    faults.up();
    answers.clear();
    Try t = new Try();
    current = t;
    try {
      int window = 0; // commands the current fault lasts
      for (Cmd c : script) {
        count("commands");
        step(t, c);
        now.set(now.get().plusSeconds(1)); // every command takes a second
        switch (c) {
          case Outage o -> window = o.commands();
          case OutageAfter o -> window = 1;
          case AmbiguousWrites a -> window = 1;
          default -> {
            if (window > 0 && --window == 0) {
              faults.up();
            }
          }
        }
      }
      settle(t);
      check(t, script);
    } finally {
      faults.up();
      for (Sender s : t.senders) {
        s.close();
      }
      // Later tries' fan-out and claims need not look at this try's campaigns any more.
      for (long c : t.campaigns()) {
        real.write(tx -> tx.setCampaignState(t.workspaceOfCampaign(c), c, Campaign.PAUSED));
      }
      for (long ws : new long[] {0, t.wsA, t.wsB}) {
        real.write(
            tx -> {
              tx.setMessagingPaused(ws, false);
              return null;
            });
      }
      current = null;
    }
  }

  private void step(Try t, Cmd c) {
    switch (c) {
      case Change change -> apply(t, change);
      case Outage o -> faults.down();
      case OutageAfter o -> faults.downAfter(o.calls());
      case AmbiguousWrites a -> faults.ambiguousWrites(true);
      case Advance a -> now.set(now.get().plusSeconds(a.seconds()));
      case FanOutRound f -> fanOut(t);
      case SenderRound r -> senderRound(t, r.sender(), r.answers());
      case Meanwhile m -> {
        faults.beforeNext(
            "campaign",
            () -> {
              count("changes between claim and check");
              apply(t, m.change());
            });
        senderRound(t, m.sender(), List.of());
        faults.beforeNext("campaign", null);
      }
    }
  }

  private void fanOut(Try t) {
    try {
      t.fanOut.run();
    } catch (TallyException e) {
      if (!e.retriable()) {
        throw e;
      }
    }
  }

  /** Claims and delivers until nothing more is claimed (at most 40 claims). */
  private void senderRound(Try t, int index, List<Integer> script) {
    Sender sender = t.senders[index];
    t.active = index;
    if (!t.nested) {
      answers.clear();
      answers.addAll(script);
    }
    try {
      for (int i = 0; i < 40; i++) {
        int claimed;
        try {
          claimed = sender.runOnce();
        } catch (TallyException e) {
          if (!e.retriable()) {
            throw e;
          }
          return; // the claim itself met the outage
        }
        if (!sender.awaitIdle(Duration.ofSeconds(60))) {
          t.problems.add("a delivery did not finish within 60 s");
          return;
        }
        if (claimed == 0) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (!t.nested) {
        answers.clear();
      }
    }
  }

  private void apply(Try t, Change change) {
    try {
      switch (change) {
        case SetPlan s ->
            update(t, s.contact(), "{\"custom_attributes\":{\"plan\":\"" + s.plan() + "\"}}");
        case SetChurned s ->
            update(t, s.contact(), "{\"custom_attributes\":{\"churned\":" + s.churned() + "}}");
        case Unsubscribe u ->
            update(t, u.contact(), "{\"unsubscribed_from_emails\":" + u.unsubscribed() + "}");
        case Track e -> {
          long ws = t.workspaceOf(e.contact());
          String name = ws == t.wsA ? "upgraded" : "ping";
          count("events tracked");
          real.write(
              tx ->
                  tx.recordEvent(
                      ws,
                      new EventInput(
                          ContactRef.byId(t.contacts[e.contact()]),
                          name,
                          now.get().getEpochSecond(),
                          "{}")));
        }
        case Delete d ->
            real.write(tx -> tx.deleteContact(t.workspaceOf(d.contact()), t.contacts[d.contact()]));
        case Archive a ->
            real.write(
                tx ->
                    a.archived()
                        ? tx.archiveContact(t.workspaceOf(a.contact()), t.contacts[a.contact()])
                        : tx.unarchiveContact(t.workspaceOf(a.contact()), t.contacts[a.contact()]));
        case QueueBroadcast b -> {
          long at = now.get().toEpochMilli();
          List<Send.New> batch = new ArrayList<>();
          for (int i = 0; i < 4; i++) {
            batch.add(
                new Send.New(
                    t.wsA,
                    t.campaignB,
                    0,
                    t.contacts[i],
                    0,
                    at,
                    at + Duration.ofHours(24).toMillis()));
          }
          real.write(tx -> tx.queueSends(batch));
        }
        case CampaignState s -> {
          long id = t.campaigns()[s.campaign()];
          real.write(
              tx ->
                  tx.setCampaignState(
                      t.workspaceOfCampaign(id),
                      id,
                      s.running() ? Campaign.RUNNING : Campaign.PAUSED));
        }
        case KillSwitch k -> {
          long ws = k.scope() == 0 ? 0 : k.scope() == 1 ? t.wsA : t.wsB;
          real.write(
              tx -> {
                tx.setMessagingPaused(ws, k.paused());
                return null;
              });
        }
      }
    } catch (TallyException e) {
      if (e.kind() != TallyException.Kind.NOT_FOUND && e.kind() != TallyException.Kind.CONFLICT) {
        throw e;
      }
    }
  }

  private void update(Try t, int contact, String body) {
    real.write(
        tx ->
            tx.updateContact(
                t.workspaceOf(contact),
                t.contacts[contact],
                ContactPatchParser.parse(json(body), ContactPatchParser.Mode.UPDATE)));
  }

  // ---- the receiver: the oracle at the moment of delivery ----

  private int deliver(WebhookReceiver.Request r) {
    Try t = current;
    if (t == null) {
      return 500;
    }
    try {
      Delivery d = observe(t, r);
      t.deliveries.add(d);
      count("deliveries");
      Integer scripted = answers.poll();
      int status = scripted == null ? 200 : scripted;
      if (status == SLOW) {
        status = 200;
        if (!t.nested) {
          // The delivery outlasts the sender's lease: the other sender claims what is due
          // meanwhile, this send among them, and delivers it again with the same key.
          lapses.incrementAndGet();
          now.set(now.get().plus(LEASE).plusSeconds(1));
          t.nested = true;
          try {
            int delivering = t.active;
            senderRound(t, 1 - delivering, List.of());
            t.active = delivering;
          } finally {
            t.nested = false;
          }
        }
      }
      d.status().set(status);
      return status;
    } catch (RuntimeException e) {
      t.problems.add("the receiver failed: " + e);
      return 500;
    }
  }

  private Delivery observe(Try t, WebhookReceiver.Request r) {
    List<String> wrong = new ArrayList<>();
    String key = r.header("Idempotency-Key");
    JsonNode body = json(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    long id = Long.parseLong(body.get("id").asText());
    long epoch = faults.faults() + lapses.get();
    if (!Long.toString(id).equals(key)) {
      wrong.add("Idempotency-Key " + key + " is not the send's id " + id);
    }
    Send s = real.send(id).orElse(null);
    if (s == null) {
      wrong.add("no send " + id + " in the store");
      return new Delivery(key, id, epoch, wrong, new AtomicInteger());
    }
    if (s.isFinal()) {
      wrong.add("delivered after it was recorded " + s.state() + " " + s.reason());
    }
    long ws = s.workspaceId();
    Campaign c = real.campaign(ws, s.campaignId()).orElseThrow();
    if (!Campaign.RUNNING.equals(c.state())) {
      wrong.add("campaign " + c.name() + " is " + c.state());
    }
    Set<Long> paused = real.messagingPaused();
    if (paused.contains(0L) || paused.contains(ws)) {
      wrong.add("messaging is paused " + paused);
    }
    Contact contact = real.contact(ws, s.contactId()).orElse(null);
    if (contact == null) {
      wrong.add("the contact is deleted");
    } else if (real.documents(List.of(s.contactId())).isEmpty()) {
      wrong.add("the contact is archived");
    } else {
      boolean pro = "pro".equals(contact.custom().get("plan"));
      boolean churned = Boolean.TRUE.equals(contact.custom().get("churned"));
      boolean unsubscribed =
          Boolean.TRUE.equals(contact.get(ContactField.UNSUBSCRIBED_FROM_EMAILS));
      int hour = now.get().atZone(ZoneOffset.UTC).getHour();
      if (s.campaignId() == t.campaignE) {
        if (!pro) {
          wrong.add("E: the contact is not on plan pro");
        }
        if (s.step() == 3 && churned) {
          wrong.add("E step 3: the contact churned (exit_when before it)");
        }
      } else if (s.campaignId() == t.campaignB) {
        if (!pro || unsubscribed) {
          wrong.add(
              "B: the contact is not pro and subscribed: " + contact.custom() + " " + unsubscribed);
        }
        if (hour >= 22 || hour < 6) {
          wrong.add("B: delivered in quiet hours, at " + now.get());
        }
      }
    }
    if (!wrong.isEmpty()) {
      wrong.add("(send " + s + ", at " + now.get() + ")");
    }
    return new Delivery(key, id, epoch, wrong, new AtomicInteger());
  }

  // ---- settling and the checks ----

  private void settle(Try t) {
    faults.up();
    for (long ws : new long[] {0, t.wsA, t.wsB}) {
      real.write(
          tx -> {
            tx.setMessagingPaused(ws, false);
            return null;
          });
    }
    for (long c : t.campaigns()) {
      real.write(tx -> tx.setCampaignState(t.workspaceOfCampaign(c), c, Campaign.RUNNING));
    }
    for (int i = 0; i < 60 && !pending(t).isEmpty(); i++) {
      fanOut(t);
      senderRound(t, i % 2, List.of());
      now.set(now.get().plus(Duration.ofHours(1)));
    }
  }

  private List<Send> sends(Try t) {
    List<Send> all = new ArrayList<>();
    for (long c : t.campaigns()) {
      long after = 0;
      while (true) {
        var page = real.sends(t.workspaceOfCampaign(c), c, null, after, 500);
        all.addAll(page.items());
        if (page.items().size() < 500) {
          break;
        }
        after = page.items().getLast().id();
      }
    }
    return all;
  }

  private List<Send> pending(Try t) {
    return sends(t).stream().filter(s -> !s.isFinal()).toList();
  }

  private void check(Try t, List<Cmd> script) {
    List<String> wrong = new ArrayList<>(t.problems);
    List<Send> sends = sends(t);
    Map<Long, Send> byId = new HashMap<>();
    Map<String, Long> byKey = new HashMap<>();
    for (Send s : sends) {
      byId.put(s.id(), s);
      String occurrence =
          s.campaignId() + "/" + s.step() + "/" + s.contactId() + "/" + s.occurrence();
      Long other = byKey.put(occurrence, s.id());
      if (other != null) {
        wrong.add("two sends " + other + " and " + s.id() + " for " + occurrence);
      }
      count("sends " + s.state() + (s.reason() == null ? "" : " " + s.reason()));
      if (!s.isFinal()) {
        wrong.add("not final after settling: " + s);
      } else if (!Send.SENT.equals(s.state()) && s.reason() == null) {
        wrong.add("final without a reason: " + s);
      } else if (Send.FAILED.equals(s.state())
          && (s.lastStatus() == null || s.lastStatus() < 400 || s.lastStatus() >= 500)) {
        wrong.add("failed without its 4xx status: " + s);
      }
    }
    // Nothing the oplog says was queued has vanished.
    Set<Long> workspaces = Set.of(t.wsA, t.wsB);
    long after = t.fromPosition;
    while (true) {
      List<OplogEntry> page = real.oplog(after, 1000);
      for (OplogEntry e : page) {
        if (e.entity().equals(OplogEntry.SEND)
            && workspaces.contains(e.workspaceId())
            && !byId.containsKey(e.entityId())) {
          wrong.add(
              "send " + e.entityId() + " was queued (oplog " + e.position() + ") and is gone");
        }
      }
      if (page.size() < 1000) {
        break;
      }
      after = page.getLast().position();
    }
    // Each delivery judged at its moment; accepted twice only across a fault.
    Map<Long, Delivery> lastAccepted = new HashMap<>();
    Set<Long> accepted = new HashSet<>();
    long epochNow = faults.faults() + lapses.get();
    for (Delivery d : t.deliveries) {
      if (!d.wrong().isEmpty()) {
        wrong.add("send " + d.sendId() + " delivered when it must not be: " + d.wrong());
      }
      int status = d.status().get();
      if (status < 200 || status >= 300) {
        continue;
      }
      accepted.add(d.sendId());
      Delivery before = lastAccepted.put(d.sendId(), d);
      if (before != null && before.epoch() == d.epoch()) {
        wrong.add(
            "send "
                + d.sendId()
                + " accepted twice with no fault between (key "
                + d.key()
                + "): "
                + byId.get(d.sendId()));
      }
    }
    for (Send s : sends) {
      if (Send.SENT.equals(s.state()) && !accepted.contains(s.id())) {
        wrong.add("recorded sent, never accepted by the receiver: " + s);
      }
      Delivery last = lastAccepted.get(s.id());
      if (last != null && !Send.SENT.equals(s.state()) && last.epoch() == epochNow) {
        wrong.add("accepted by the receiver, recorded " + s.state() + " with no fault since: " + s);
      }
    }
    if (!wrong.isEmpty()) {
      throw new AssertionError(
          wrong.size() + " violation(s):\n  " + String.join("\n  ", wrong) + "\nscript: " + script);
    }
  }

  private static JsonNode json(String s) {
    try {
      return JSON.readTree(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
