package dev.tally.server.messaging;

import dev.tally.core.index.ContactDocument;
import dev.tally.core.messaging.Backoff;
import dev.tally.core.messaging.CampaignDefinition;
import dev.tally.core.messaging.FinalCheck;
import dev.tally.core.messaging.Message;
import dev.tally.core.messaging.Step;
import dev.tally.core.model.Campaign;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactField;
import dev.tally.core.model.Send;
import dev.tally.core.model.Workspace;
import dev.tally.core.query.QueryParser;
import dev.tally.core.store.Outcome;
import dev.tally.core.store.Store;
import dev.tally.core.store.WriteWork;
import dev.tally.messaging.Delivery;
import dev.tally.messaging.email.EmailChannel;
import dev.tally.messaging.email.EmailSend;
import dev.tally.messaging.email.SmtpUrl;
import dev.tally.messaging.webhook.WebhookChannel;
import dev.tally.messaging.webhook.WebhookSend;
import dev.tally.server.schedule.Scheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the send queue (docs/messaging.md, "The path of one send"). Every {@code interval} it
 * claims, with a lease, as many due sends as it has free delivery threads, and hands each to its
 * own thread: claim, final check on the store, deliver, record; while claims come back full it
 * claims again as threads come free, so a backlog goes out back to back. A receiver that hangs
 * holds one thread for at most the webhook timeout, and the webhook channel refuses more than its
 * bound of deliveries to one destination at once ({@code Retry}), so other campaigns' receivers are
 * still served.
 *
 * <p>Hazards, and what keeps invariant 9 (a message goes out only if the contact matches at send
 * time; nothing is silently lost):
 *
 * <ul>
 *   <li>The final check reads the store only: the contact's current document, the campaign, the
 *       segment, the frequency cap's count. The index is never asked, so search being down stops no
 *       checked send.
 *   <li>Anything that throws between the claim and the record (the store away, a campaign that no
 *       longer parses) leaves the send as it is: its lease expires, another run claims it again. It
 *       is held, never dropped and never sent blind; once past {@code expires_at} it is recorded
 *       {@code expired} with its last reason.
 *   <li>A crash between delivering and recording delivers again after the lease, with the same
 *       {@code Idempotency-Key} (the send's id): the only way a send can repeat.
 *   <li>A pause of the campaign or the kill switch that lands after the claim is seen by the check:
 *       the send is held ({@code paused}) until the pause lifts, never delivered through it.
 *   <li>The outcome is recorded only while this holder's claim holds ({@code recordSend} false
 *       otherwise): a sender that was too slow and lost its lease writes nothing.
 * </ul>
 *
 * <p>Email goes through the SMTP server of {@code --smtp-url} ({@link Email}); without one, email
 * sends are held with the reason {@link #NO_SMTP}. Each email carries a one-click unsubscribe link
 * ({@link UnsubscribeTokens}) below {@code --public-url}. A contact without an email address is
 * {@code skipped unsubscribed}: there is no address to send to, and waiting would not make one.
 *
 * <p>A campaign's subscription type is read from the store at each send ({@link
 * SubscriptionStanding}): a contact who opted out (or did not opt in) after the send was queued is
 * {@code skipped not_subscribed}. Quiet hours fall back to the workspace's time zone, read with the
 * rest.
 */
public final class Sender implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sender.class);

  /** The reason of an email send held because no SMTP server is configured. */
  public static final String NO_SMTP = "no SMTP server configured (--smtp-url)";

  /**
   * Where email goes and where its unsubscribe links point.
   *
   * @param smtp the SMTP server ({@code --smtp-url})
   * @param publicUrl the base of the unsubscribe links ({@code --public-url}), absolute http(s)
   * @param timeout connecting, and each read or write, to the SMTP server
   */
  public record Email(SmtpUrl smtp, URI publicUrl, Duration timeout) {
    /**
     * From the settings' text; an {@link IllegalArgumentException} names the setting and what was
     * expected, and never shows the SMTP password.
     */
    public static Email of(String smtpUrl, String publicUrl) {
      URI base;
      try {
        base = new URI(publicUrl);
      } catch (java.net.URISyntaxException e) {
        base = null;
      }
      if (base == null
          || base.getHost() == null
          || !("http".equals(base.getScheme()) || "https".equals(base.getScheme()))) {
        throw new IllegalArgumentException(
            "--public-url: expected an absolute http(s) URL such as https://tally.example.com, got \""
                + publicUrl
                + "\"");
      }
      return new Email(SmtpUrl.parse(smtpUrl), base, EmailChannel.DEFAULT_TIMEOUT);
    }
  }

  /** The reason an expired send gets when it had none before. */
  public static final String NOT_DELIVERED = "not delivered before expires_at";

  /**
   * How the sender runs.
   *
   * @param interval between the end of one claim and the next (0: never on its own)
   * @param lease how long a claim holds a send; longer than a delivery can take
   * @param threads deliveries in flight at once
   * @param webhookTimeout how long one webhook attempt may take
   * @param heldFor when a send held for a reason of Tally's (no SMTP server) is looked at again
   * @param backoff retries of refused deliveries
   */
  public record Options(
      Duration interval,
      Duration lease,
      int threads,
      Duration webhookTimeout,
      Duration heldFor,
      Backoff backoff,
      int perDestination) {
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);
    public static final Duration DEFAULT_HELD_FOR = Duration.ofMinutes(1);

    public Options {
      if (threads < 1) {
        throw new IllegalArgumentException("sender threads: expected 1 or more, got " + threads);
      }
      if (perDestination < 1) {
        throw new IllegalArgumentException(
            "deliveries in flight per destination: expected 1 or more, got " + perDestination);
      }
      if (lease.compareTo(webhookTimeout.multipliedBy(2)) < 0) {
        throw new IllegalArgumentException(
            "the sender's lease (--sender-lease, "
                + lease
                + ") must be at least twice the webhook timeout (--webhook-timeout, "
                + webhookTimeout
                + "), or a slow delivery could be claimed again while in flight");
      }
    }

    /** With the webhook channel's default bound of deliveries in flight per destination. */
    public Options(
        Duration interval,
        Duration lease,
        int threads,
        Duration webhookTimeout,
        Duration heldFor,
        Backoff backoff) {
      this(
          interval,
          lease,
          threads,
          webhookTimeout,
          heldFor,
          backoff,
          WebhookChannel.DEFAULT_CONCURRENCY_PER_DESTINATION);
    }

    public static Options of(Duration interval, int threads, Duration webhookTimeout) {
      return of(
          interval, threads, webhookTimeout, WebhookChannel.DEFAULT_CONCURRENCY_PER_DESTINATION);
    }

    public static Options of(
        Duration interval, int threads, Duration webhookTimeout, int perDestination) {
      Duration lease =
          DEFAULT_LEASE.compareTo(webhookTimeout.multipliedBy(2)) >= 0
              ? DEFAULT_LEASE
              : webhookTimeout.multipliedBy(2);
      return new Options(
          interval,
          lease,
          threads,
          webhookTimeout,
          DEFAULT_HELD_FOR,
          Backoff.DEFAULT,
          perDestination);
    }
  }

  private final Store store;
  private final Definitions definitions;
  private final Options options;
  private final InstantSource clock;
  private final RandomGenerator random;
  private final WebhookChannel webhooks;
  private final EmailChannel emails;
  private final URI publicUrl;
  private final UnsubscribeTokens unsubscribe;
  private final SenderMetrics metrics;
  private final String holder;
  private final ExecutorService executor;
  private final Semaphore free; // places for claimed sends not yet recorded
  private final int capacity;
  private final ExecutorService recorder;
  private final LinkedBlockingQueue<Decided> decided = new LinkedBlockingQueue<>();

  /** Outcomes recorded in one commit at most. */
  private static final int RECORD_BATCH = 256;

  private final Object freed = new Object(); // notified each time a delivery thread comes free
  private volatile boolean closing;
  private Scheduler.Task task;

  /**
   * @param parsers a query parser for each workspace (its attributes and segments now)
   * @param registry where the sender's metrics go (null: nowhere)
   */
  public Sender(
      Store store,
      LongFunction<QueryParser> parsers,
      Options options,
      InstantSource clock,
      RandomGenerator random,
      PrometheusRegistry registry) {
    this(store, parsers, options, null, clock, random, registry);
  }

  /**
   * @param email where email goes (null: email sends are held, {@link #NO_SMTP})
   */
  public Sender(
      Store store,
      LongFunction<QueryParser> parsers,
      Options options,
      Email email,
      InstantSource clock,
      RandomGenerator random,
      PrometheusRegistry registry) {
    this.store = store;
    this.emails = email == null ? null : new EmailChannel(email.smtp(), email.timeout(), clock);
    this.publicUrl = email == null ? null : email.publicUrl();
    this.unsubscribe = email == null ? null : UnsubscribeTokens.of(store);
    this.definitions = new Definitions(store, parsers);
    this.options = options;
    this.clock = clock;
    this.random = random;
    this.webhooks = new WebhookChannel(options.webhookTimeout(), options.perDestination(), clock);
    this.metrics = new SenderMetrics(store, clock, registry);
    this.holder = "sender-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID();
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            options.threads(),
            r -> {
              Thread t = new Thread(r, "tally-sender-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    // Twice as many sends may be claimed as there are threads: the delivery threads keep busy
    // while outcomes wait for their commit. A claimed send waits at most a webhook timeout or two
    // for a thread, well within its lease (at least twice the timeout).
    this.capacity = options.threads() * 2;
    this.free = new Semaphore(capacity);
    this.recorder =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "tally-sender-recorder");
              t.setDaemon(true);
              return t;
            });
  }

  /** Delivers what is due on {@code scheduler}, looking every {@code interval} when idle. */
  public Sender start(Scheduler scheduler) {
    task = scheduler.every("sender", options.interval(), options.interval(), this::deliverDue);
    return this;
  }

  /**
   * Claims and starts deliveries for as long as each claim fills every free thread (more may be
   * due), waiting between claims for half the threads to come free, so that a backlog is delivered
   * back to back at the receivers' pace rather than a batch per interval; returns when a claim
   * finds fewer due sends than free threads, leaving the rest to the next run.
   */
  public void deliverDue() {
    int wanted = Math.max(1, capacity / 2);
    while (!closing) {
      int slots = free.availablePermits();
      if (runOnce() < slots || slots == 0) {
        return;
      }
      if (!awaitFreeThreads(wanted, options.interval())) {
        return;
      }
    }
  }

  /** Waits up to {@code max} for {@code wanted} free delivery threads; false if interrupted. */
  private boolean awaitFreeThreads(int wanted, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    synchronized (freed) {
      while (free.availablePermits() < wanted) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return true;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(freed, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  /** This process's holder id in the store's claims. */
  public String holder() {
    return holder;
  }

  /**
   * Claims as many due sends as there are free delivery threads and starts delivering them; returns
   * how many it claimed. A store that cannot be read throws (the scheduler logs and counts it).
   */
  public int runOnce() {
    int slots = free.availablePermits();
    if (slots == 0) {
      return 0;
    }
    long now = clock.millis();
    List<Send> claimed =
        store
            .write(tx -> tx.claimSends(holder, now, now + options.lease().toMillis(), slots))
            .value();
    for (Send s : claimed) {
      free.acquireUninterruptibly(); // never waits: only this method takes permits
      executor.execute(() -> process(s, now)); // its permit comes back once recorded (or left)
    }
    return claimed.size();
  }

  /** Gives back the places of {@code n} claimed sends that are recorded or left. */
  private void release(int n) {
    free.release(n);
    synchronized (freed) {
      freed.notifyAll();
    }
  }

  /** Waits until no claimed send is left unrecorded (tests and shutdown); false on timeout. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    if (!free.tryAcquire(capacity, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return false;
    }
    free.release(capacity);
    return true;
  }

  /** A send checked (and delivered, or not), waiting for its outcome to be recorded. */
  private record Decided(Send send, Send.Outcome outcome) {}

  /**
   * One claimed send on a delivery thread: the final check and the delivery; the outcome is then
   * recorded by the recorder with others in one commit, and the thread takes the next send. A
   * failure leaves the send for its lease.
   */
  private void process(Send s, long claimedAt) {
    // A claimed send may wait for a thread. One whose claim could lapse before a delivery started
    // now would end (lease minus the webhook timeout) is not delivered: another sender may claim
    // it once the lease runs out, and both would deliver it. It is left for its lease.
    if (clock.millis()
        > claimedAt + options.lease().toMillis() - options.webhookTimeout().toMillis()) {
      LOG.atInfo()
          .addKeyValue("send", s.id())
          .addKeyValue("campaign", s.campaignId())
          .log(
              "send not delivered: its claim is too old to finish before it lapses; left for its lease");
      release(1);
      return;
    }
    Send.Outcome outcome;
    try {
      outcome = decide(s);
    } catch (RuntimeException e) {
      left(s, e);
      release(1);
      return;
    }
    decided.add(new Decided(s, outcome));
    recorder.execute(this::recordDecided);
  }

  /**
   * Records the outcomes waiting, up to {@link #RECORD_BATCH} of them in one {@code writeEach} (one
   * durable commit for all, each recorded or refused on its own): a commit per send made the
   * store's commits the bottleneck of delivery. Runs on the one recorder thread. An outcome is
   * recorded only while this sender's claim holds; one that cannot be recorded leaves its send for
   * its lease, after which it is delivered again with the same Idempotency-Key.
   */
  private void recordDecided() {
    List<Decided> batch = new ArrayList<>();
    decided.drainTo(batch, RECORD_BATCH);
    if (batch.isEmpty()) {
      return;
    }
    try {
      List<WriteWork<Boolean>> works = new ArrayList<>(batch.size());
      for (Decided d : batch) {
        works.add(tx -> tx.recordSend(d.send().id(), holder, d.outcome()));
      }
      List<Outcome<Boolean>> results = store.writeEach(works);
      for (int i = 0; i < batch.size(); i++) {
        Decided d = batch.get(i);
        Outcome<Boolean> r = results.get(i);
        if (!r.ok()) {
          left(d.send(), r.error());
        } else if (r.written().value()) {
          metrics.recorded(d.outcome());
        } else {
          LOG.atInfo()
              .addKeyValue("send", d.send().id())
              .addKeyValue("campaign", d.send().campaignId())
              .addKeyValue("state", d.outcome().state())
              .log("send not recorded: this sender's claim on it lapsed and another holds it");
        }
      }
    } catch (RuntimeException e) {
      batch.forEach(d -> left(d.send(), e));
    } finally {
      release(batch.size());
    }
  }

  private void left(Send s, RuntimeException e) {
    metrics.left();
    LOG.atWarn()
        .addKeyValue("send", s.id())
        .addKeyValue("campaign", s.campaignId())
        .addKeyValue("workspace", s.workspaceId())
        .addKeyValue("error", String.valueOf(e.getMessage()))
        .setCause(e)
        .log(
            "send left as it was: it is claimed again when its lease expires, and is never sent"
                + " unchecked");
  }

  private Send.Outcome decide(Send s) {
    long checkStarted = System.nanoTime();
    Instant now = clock.instant();
    if (now.toEpochMilli() > s.expiresAt()) {
      return Send.Outcome.expired(s.reason() != null ? s.reason() : NOT_DELIVERED);
    }
    Campaign campaign =
        store
            .campaign(s.workspaceId(), s.campaignId())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "send " + s.id() + " names campaign " + s.campaignId() + ", not stored"));
    // The claim took only sends of running campaigns whose workspace's messaging was not paused,
    // but a pause (of the campaign, its workspace or every workspace) may have landed between the
    // claim and now: it wins. The send is held, due now, so it goes the moment the pause lifts (the
    // claim passes over it until then). Found by the messaging simulation
    // (MessagingSimulationProperties#aPauseBetweenTheClaimAndTheCheckHoldsTheSend).
    if (!Campaign.RUNNING.equals(campaign.state())) {
      return Send.Outcome.held(now.toEpochMilli(), SenderMetrics.PAUSED);
    }
    java.util.Set<Long> paused = store.messagingPaused();
    if (paused.contains(0L) || paused.contains(s.workspaceId())) {
      return Send.Outcome.held(now.toEpochMilli(), SenderMetrics.PAUSED);
    }
    Definitions.Loaded loaded = definitions.load(campaign);
    CampaignDefinition def = loaded.definition();
    if (s.step() >= def.steps().size() || !(def.steps().get(s.step()) instanceof Step.Send step)) {
      throw new IllegalStateException(
          "send "
              + s.id()
              + " is at step "
              + s.step()
              + " of campaign "
              + s.campaignId()
              + ", which is not a send step; only send steps are queued (Flow)");
    }
    Optional<ContactDocument> live =
        store.documents(List.of(s.contactId())).stream()
            .filter(d -> d.contact().workspaceId() == s.workspaceId())
            .findFirst();
    // documents() leaves archived contacts out (as the index does); contact() has them too.
    Contact archived =
        live.isPresent() ? null : store.contact(s.workspaceId(), s.contactId()).orElse(null);
    ContactDocument doc =
        live.orElse(archived == null ? null : new ContactDocument(archived, Map.of()));
    long sentInWindow =
        def.frequencyCap() == null || doc == null
            ? 0
            : store.sentSince(
                s.workspaceId(), s.contactId(), now.minus(def.frequencyCap().per()).toEpochMilli());
    Long typeId = def.subscriptionTypeId();
    FinalCheck.Subscription subscription =
        typeId == null || doc == null
            ? null
            : SubscriptionStanding.read(store, s.workspaceId(), s.contactId(), typeId);
    ZoneId workspaceZone =
        store.workspace(s.workspaceId()).map(Workspace::zone).orElse(ZoneOffset.UTC);
    FinalCheck.Facts facts =
        new FinalCheck.Facts(
            doc, archived != null, loaded.segment(), subscription, sentInWindow, workspaceZone);
    FinalCheck.Verdict verdict = FinalCheck.decide(def, s.step(), facts, now);
    metrics.finalCheck(System.nanoTime() - checkStarted);
    return switch (verdict) {
      case FinalCheck.Verdict.Skip skip -> Send.Outcome.skipped(skip.reason().code(), null);
      case FinalCheck.Verdict.Defer defer ->
          Send.Outcome.held(defer.until().toEpochMilli(), SenderMetrics.QUIET_HOURS);
      case FinalCheck.Verdict.Send ignored -> deliver(s, def, step.message(), live.orElseThrow());
    };
  }

  private Send.Outcome deliver(
      Send s, CampaignDefinition def, Message message, ContactDocument doc) {
    if (message instanceof Message.Email mail) {
      return email(s, def, mail, doc);
    }
    if (!(message instanceof Message.Webhook hook)) {
      throw new IllegalStateException("send " + s.id() + ": no channel for " + message);
    }
    WebhookSend w =
        new WebhookSend(
            hook.url(),
            hook.secret(),
            s.id(),
            s.campaignId(),
            s.occurrence(),
            hook.body().render(doc.contact()),
            ContactPayload.of(doc));
    long started = System.nanoTime();
    Delivery d = webhooks.deliver(w);
    metrics.delivered("webhook", d, System.nanoTime() - started);
    return outcome(s, def, d, "webhook");
  }

  private Send.Outcome email(
      Send s, CampaignDefinition def, Message.Email mail, ContactDocument doc) {
    if (emails == null) {
      return Send.Outcome.held(clock.instant().plus(options.heldFor()).toEpochMilli(), NO_SMTP);
    }
    Contact contact = doc.contact();
    String to = contact.string(ContactField.EMAIL);
    if (to == null || to.isBlank()) {
      // Nothing to send to, and waiting would not make an address: as good as unsubscribed.
      return Send.Outcome.skipped(FinalCheck.Reason.UNSUBSCRIBED.code(), null);
    }
    EmailSend e =
        new EmailSend(
            s.id(),
            mail.from(),
            to,
            mail.subject().renderLine(contact),
            mail.body().render(contact),
            unsubscribe.url(publicUrl, s.workspaceId(), s.contactId()));
    long started = System.nanoTime();
    Delivery d = emails.deliver(e);
    metrics.delivered("email", d, System.nanoTime() - started);
    return outcome(s, def, d, "email");
  }

  private Send.Outcome outcome(Send s, CampaignDefinition def, Delivery d, String channel) {
    Instant now = clock.instant();
    if (d instanceof Delivery.Delivered) {
      metrics.sentAfterDue(channel, now.toEpochMilli() - s.dueAt());
    }
    return switch (d) {
      case Delivery.Delivered ok ->
          Send.Outcome.sent(ok.status(), Flow.after(s, def, now.toEpochMilli()));
      case Delivery.Failed f ->
          new Send.Outcome(Send.FAILED, f.reason(), f.status(), null, true, null);
      case Delivery.Retry r -> retry(s, r, now);
      case Delivery.Busy b -> busy(s, b, now);
    };
  }

  /**
   * Not attempted (the destination had its bound in flight): due again after one or two sender
   * intervals, its attempts and backoff as they were, or expired. (Counting it as an attempt gave a
   * healthy receiver's sends "attempts: 2" and growing backoffs; MessagingEnginesIT saw it too.)
   */
  private Send.Outcome busy(Send s, Delivery.Busy b, Instant now) {
    long due = now.toEpochMilli() + options.interval().toMillis() * (1 + random.nextInt(2));
    if (due > s.expiresAt()) {
      return Send.Outcome.expired(b.reason());
    }
    return new Send.Outcome(Send.QUEUED, b.reason(), null, due, false, null);
  }

  /** Due again after a backoff (at least the receiver's Retry-After), or expired. */
  private Send.Outcome retry(Send s, Delivery.Retry r, Instant now) {
    Instant expires = Instant.ofEpochMilli(s.expiresAt());
    Optional<Instant> next = options.backoff().next(s.attempts() + 1, now, expires, random);
    if (next.isEmpty()) {
      return new Send.Outcome(Send.EXPIRED, r.reason(), r.status(), null, true, null);
    }
    Instant due = next.get();
    if (r.retryAfter() != null && due.isBefore(now.plus(r.retryAfter()))) {
      Instant asked = now.plus(r.retryAfter());
      due = asked.isAfter(expires) ? expires : asked;
    }
    return Send.Outcome.retry(due.toEpochMilli(), r.reason(), r.status());
  }

  /** Stops claiming, lets deliveries in flight finish (up to the webhook timeout), closes. */
  @Override
  public void close() {
    closing = true;
    if (task != null) {
      task.close();
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(
          options.webhookTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
      recorder.shutdown(); // after the deliveries: what they decided is still recorded
      if (!recorder.awaitTermination(options.webhookTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        recorder.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      recorder.shutdownNow();
      Thread.currentThread().interrupt();
    }
    webhooks.close();
  }
}
