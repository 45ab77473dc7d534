package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * T12: random operations with random tokens. No token ever reads, finds, counts or changes another
 * workspace's data; within a workspace, identities stay unique. jqwik prints the seed of a failure.
 */
class WorkspaceIsolationProperties {
  private static final int WORKSPACES = 3;
  private static final AtomicInteger TRY = new AtomicInteger();
  private static Path data;
  private static TallyServer server;
  private static TallyHttp http;

  @BeforeContainer
  static void start() throws Exception {
    data = Files.createTempDirectory("tally-isolation");
    server = ApiTestBase.startTally(data, Map.of()).server();
    http = new TallyHttp(server.port());
  }

  @AfterContainer
  static void stop() {
    server.close();
  }

  enum Kind {
    CREATE,
    GET,
    UPDATE,
    DELETE,
    LIST,
    EVENT,
    EVENTS_OF,
    SEARCH,
    TAG_CREATE,
    TAG_GET,
    TAG_LIST,
    TAG_CONTACT,
    TAG_DELETE,
    TAG_SEARCH,
    ADMIN_GET,
    ADMIN_LIST,
    OWN,
    ME,
    NOTE,
    NOTE_GET,
    SEGMENT,
    SEGMENT_GET,
    SEGMENT_SEARCH,
    COMPANY_CREATE,
    COMPANY_GET,
    COMPANY_ATTACH,
    COMPANY_SEARCH,
    CAMPAIGN_CREATE,
    CAMPAIGN_USE,
    SUBSCRIPTION_CREATE,
    SUBSCRIPTION_USE,
    MESSAGE,
    ARCHIVE,
    UNARCHIVE,
    MERGE
  }

  /** How many of the workspace's live (not archived) contacts have this email: 0 or 1. */
  private static long liveWithEmail(
      Map<String, Integer> owner,
      Map<String, String> emailOf,
      Set<String> archived,
      int workspace,
      String email) {
    return owner.entrySet().stream()
        .filter(e -> e.getValue() == workspace && !archived.contains(e.getKey()))
        .filter(e -> email.equals(emailOf.get(e.getKey())))
        .count();
  }

  /** One step: which token acts, what it does, and on which (randomly chosen) contact or email. */
  record Action(Kind kind, int actor, int target, int email) {}

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Action> one =
        Combinators.combine(
                Arbitraries.of(Kind.class),
                Arbitraries.integers().between(0, WORKSPACES - 1),
                Arbitraries.integers().between(0, 50),
                Arbitraries.integers().between(0, 5))
            .as(Action::new);
    return one.list().ofMinSize(5).ofMaxSize(40);
  }

  @Property(tries = 25)
  void noTokenSeesOrChangesAnotherWorkspace(@ForAll("actions") List<Action> actions) {
    int n = TRY.incrementAndGet();
    String[] tokens = new String[WORKSPACES];
    String[] wsIds = new String[WORKSPACES];
    for (int w = 0; w < WORKSPACES; w++) {
      TallyHttp.Res r =
          http.call(
              "POST",
              "/admin/workspaces",
              ApiTestBase.ADMIN,
              "{\"name\":\"try" + n + "-" + w + "\"}");
      assertEquals(201, r.status(), r.toString());
      tokens[w] = r.json().get("token").asText();
      wsIds[w] = r.json().get("id").asText();
    }
    // Each workspace's teammate, and a token of each that acts for it.
    String[] adminIds = new String[WORKSPACES];
    String[] adminTokens = new String[WORKSPACES];
    for (int w = 0; w < WORKSPACES; w++) {
      TallyHttp.Res r =
          http.call(
              "POST",
              "/admin/workspaces/" + wsIds[w] + "/admins",
              ApiTestBase.ADMIN,
              "{\"name\":\"T" + w + "\",\"email\":\"t" + w + "@example.com\"}");
      assertEquals(201, r.status(), r.toString());
      adminIds[w] = r.json().get("id").asText();
      TallyHttp.Res bound =
          http.call(
              "POST",
              "/admin/workspaces/" + wsIds[w] + "/tokens",
              ApiTestBase.ADMIN,
              "{\"admin_id\":" + adminIds[w] + "}");
      assertEquals(201, bound.status(), bound.toString());
      adminTokens[w] = bound.json().get("token").asText();
    }
    // The model: contact id -> owning workspace, and each workspace's live emails.
    List<String> ids = new ArrayList<>();
    Map<String, Integer> owner = new HashMap<>();
    Map<String, String> nameOf = new HashMap<>();
    List<Set<String>> emails = new ArrayList<>();
    for (int w = 0; w < WORKSPACES; w++) {
      emails.add(new HashSet<>());
    }
    Map<String, String> emailOf = new HashMap<>();
    // Archived contacts (out of lists and searches, identities kept) and leads (made to be merged).
    Set<String> archived = new HashSet<>();
    Set<String> leads = new HashSet<>();
    long position = 0; // the newest write's Tally-Position, so searches see every write before them
    // Notes: id -> (owning workspace, contact); segments: id -> (owning workspace, email it
    // selects).
    List<String> notes = new ArrayList<>();
    Map<String, Integer> noteOwner = new HashMap<>();
    Map<String, String> noteContact = new HashMap<>();
    List<String> segments = new ArrayList<>();
    Map<String, Integer> segmentOwner = new HashMap<>();
    Map<String, String> segmentEmail = new HashMap<>();
    // Tags: every tag ever created (deleted ones stay in the list, to be asked for), its owner,
    // which are live, and each contact's tags.
    List<String> tagIds = new ArrayList<>();
    Map<String, Integer> tagOwner = new HashMap<>();
    Set<String> liveTags = new HashSet<>();
    Map<String, Set<String>> tagsOf = new HashMap<>();
    // Companies: every company created, its owner, and each contact's companies.
    List<String> companyIds = new ArrayList<>();
    Map<String, Integer> companyOwner = new HashMap<>();
    Map<String, Set<String>> companiesOf = new HashMap<>();
    // Campaigns: every campaign created and its owner.
    List<String> campaigns = new ArrayList<>();
    Map<String, Integer> campaignOwner = new HashMap<>();
    // Subscription types: every type created, its owner and its consent type.
    List<String> subscriptionTypes = new ArrayList<>();
    Map<String, Integer> subscriptionOwner = new HashMap<>();
    Map<String, String> consentOf = new HashMap<>();
    for (Action a : actions) {
      String t = tokens[a.actor()];
      String id = ids.isEmpty() ? "1" : ids.get(a.target() % ids.size());
      Integer own = owner.get(id);
      boolean mine = own != null && own == a.actor();
      String tag = tagIds.isEmpty() ? "1" : tagIds.get((a.target() + a.email()) % tagIds.size());
      boolean myTag =
          liveTags.contains(tag) && Integer.valueOf(a.actor()).equals(tagOwner.get(tag));
      String company =
          companyIds.isEmpty() ? "1" : companyIds.get((a.target() + a.email()) % companyIds.size());
      boolean myCompany = Integer.valueOf(a.actor()).equals(companyOwner.get(company));
      switch (a.kind()) {
        case COMPANY_CREATE -> {
          TallyHttp.Res r =
              http.call("POST", "/companies", t, "{\"company_id\":\"c" + a.email() + "\"}");
          assertEquals(200, r.status(), r.toString());
          String companyId = r.json().get("id").asText();
          Integer had = companyOwner.putIfAbsent(companyId, a.actor());
          assertTrue(had == null || had == a.actor(), "a company of another workspace came back");
          if (!companyIds.contains(companyId)) {
            companyIds.add(companyId);
          }
        }
        case COMPANY_GET -> {
          TallyHttp.Res r = http.call("GET", "/companies/" + company, t, null);
          assertEquals(myCompany ? 200 : 404, r.status(), r.toString());
          TallyHttp.Res members = http.call("GET", "/companies/" + company + "/contacts", t, null);
          assertEquals(myCompany ? 200 : 404, members.status(), members.toString());
        }
        case COMPANY_ATTACH -> {
          TallyHttp.Res r =
              http.call(
                  "POST", "/contacts/" + id + "/companies", t, "{\"id\":\"" + company + "\"}");
          assertEquals(mine && myCompany ? 200 : 404, r.status(), r.toString());
          if (mine && myCompany) {
            companiesOf.computeIfAbsent(id, k -> new HashSet<>()).add(company);
            position = Math.max(position, r.position());
          }
        }
        case COMPANY_SEARCH -> {
          TallyHttp.Res r =
              http.call(
                  "POST",
                  "/contacts/search",
                  t,
                  "{\"query\":{\"field\":\"company_id\",\"operator\":\"=\",\"value\":\""
                      + company
                      + "\"},\"pagination\":{\"per_page\":150}}",
                  position == 0 ? Map.of() : Map.of("Tally-Min-Position", Long.toString(position)));
          assertEquals(200, r.status(), r.toString());
          long expected =
              owner.entrySet().stream()
                  .filter(e -> e.getValue() == a.actor() && !archived.contains(e.getKey()))
                  .filter(e -> companiesOf.getOrDefault(e.getKey(), Set.of()).contains(company))
                  .count();
          assertEquals(expected, r.json().get("total_count").asLong(), r.toString());
        }
        case CAMPAIGN_CREATE -> {
          TallyHttp.Res r =
              http.call(
                  "POST",
                  "/campaigns",
                  t,
                  "{\"name\":\"c\",\"trigger\":{\"type\":\"broadcast\"},\"steps\":[{\"send\":"
                      + "{\"channel\":\"email\",\"from\":\"a@example.com\",\"subject\":\"s\","
                      + "\"body\":\"b\"}}]}");
          assertEquals(200, r.status(), r.toString());
          campaigns.add(r.json().get("id").asText());
          campaignOwner.put(r.json().get("id").asText(), a.actor());
        }
        case MESSAGE -> {
          // From some workspace's teammate to the chosen contact: only our teammate to our contact.
          int from = a.email() % WORKSPACES;
          TallyHttp.Res r =
              http.call(
                  "POST",
                  "/messages",
                  t,
                  "{\"message_type\":\"email\",\"subject\":\"s\",\"body\":\"b\","
                      + "\"from\":{\"type\":\"admin\",\"id\":"
                      + adminIds[from]
                      + "},\"to\":{\"type\":\"user\",\"id\":\""
                      + id
                      + "\"}}");
          boolean allowed = mine && from == a.actor();
          if (allowed && archived.contains(id)) {
            assertTrue(r.status() == 200 || r.status() == 404, r.toString());
          } else {
            assertEquals(allowed ? 200 : 404, r.status(), r.toString());
          }
          if (r.status() == 200) {
            // A message is readable as a campaign of its workspace, never listed.
            campaigns.add(r.json().get("id").asText());
            campaignOwner.put(r.json().get("id").asText(), a.actor());
          }
        }
        case CAMPAIGN_USE -> {
          if (campaigns.isEmpty()) {
            break;
          }
          String campaign = campaigns.get(a.target() % campaigns.size());
          boolean ours = campaignOwner.get(campaign) == a.actor();
          String move = List.of("/start", "/pause", "/resume").get(a.email() % 3);
          TallyHttp.Res moved = http.call("POST", "/campaigns/" + campaign + move, t, null);
          // Ours: moved, or a 409 for a move its state does not allow; theirs: not found.
          assertTrue(
              ours ? moved.status() == 200 || moved.status() == 409 : moved.status() == 404,
              moved.toString());
          for (String path :
              List.of("/campaigns/" + campaign, "/campaigns/" + campaign + "/sends")) {
            TallyHttp.Res r = http.call("GET", path, t, null);
            assertEquals(ours ? 200 : 404, r.status(), r.toString());
          }
          for (JsonNode listed : http.call("GET", "/campaigns", t, null).json().get("data")) {
            assertTrue(
                !"message".equals(listed.path("trigger").path("type").asText()),
                "listed a message among the campaigns: " + listed);
            assertEquals(
                Integer.valueOf(a.actor()),
                campaignOwner.get(listed.get("id").asText()),
                "listed another workspace's campaign: " + listed);
          }
        }
        case SUBSCRIPTION_CREATE -> {
          String consent = a.email() % 2 == 0 ? "opt_in" : "opt_out";
          TallyHttp.Res r =
              http.call(
                  "POST",
                  "/admin/workspaces/" + wsIds[a.actor()] + "/subscription_types",
                  ApiTestBase.ADMIN,
                  "{\"name\":\"s\",\"consent_type\":\"" + consent + "\"}");
          assertEquals(201, r.status(), r.toString());
          subscriptionTypes.add(r.json().get("id").asText());
          subscriptionOwner.put(r.json().get("id").asText(), a.actor());
          consentOf.put(r.json().get("id").asText(), consent);
        }
        case SUBSCRIPTION_USE -> {
          String type =
              subscriptionTypes.isEmpty()
                  ? "1"
                  : subscriptionTypes.get((a.target() + a.email()) % subscriptionTypes.size());
          boolean myType = Integer.valueOf(a.actor()).equals(subscriptionOwner.get(type));
          TallyHttp.Res r =
              http.call(
                  "POST",
                  "/contacts/" + id + "/subscriptions",
                  t,
                  "{\"id\":\""
                      + type
                      + "\",\"consent_type\":\""
                      + consentOf.getOrDefault(type, "opt_in")
                      + "\"}");
          assertEquals(mine && myType ? 200 : 404, r.status(), r.toString());
          TallyHttp.Res listed = http.call("GET", "/contacts/" + id + "/subscriptions", t, null);
          assertEquals(mine ? 200 : 404, listed.status(), listed.toString());
          List<JsonNode> seen = new ArrayList<>();
          if (mine) {
            listed.json().get("data").forEach(seen::add);
          }
          http.call("GET", "/subscription_types", t, null).json().get("data").forEach(seen::add);
          for (JsonNode x : seen) {
            assertEquals(
                Integer.valueOf(a.actor()),
                subscriptionOwner.get(x.get("id").asText()),
                "another workspace's subscription type: " + x);
          }
        }
        case TAG_CREATE -> {
          TallyHttp.Res r = http.call("POST", "/tags", t, "{\"name\":\"t" + a.email() + "\"}");
          assertEquals(200, r.status(), r.toString());
          String tagId = r.json().get("id").asText();
          Integer had = tagOwner.putIfAbsent(tagId, a.actor());
          assertTrue(had == null || had == a.actor(), "a tag of another workspace came back");
          if (!tagIds.contains(tagId)) {
            tagIds.add(tagId);
          }
          liveTags.add(tagId);
          if (r.position() > 0) {
            position = Math.max(position, r.position());
          }
        }
        case TAG_GET -> {
          TallyHttp.Res r = http.call("GET", "/tags/" + tag, t, null);
          assertEquals(myTag ? 200 : 404, r.status(), r.toString());
        }
        case TAG_LIST -> {
          TallyHttp.Res r = http.call("GET", "/tags", t, null);
          long expected = liveTags.stream().filter(x -> tagOwner.get(x) == a.actor()).count();
          assertEquals(expected, r.json().get("data").size(), r.toString());
          for (JsonNode x : r.json().get("data")) {
            assertEquals(
                Integer.valueOf(a.actor()), tagOwner.get(x.get("id").asText()), x.toString());
          }
        }
        case TAG_CONTACT -> {
          TallyHttp.Res r =
              http.call("POST", "/contacts/" + id + "/tags", t, "{\"id\":\"" + tag + "\"}");
          assertEquals(mine && myTag ? 200 : 404, r.status(), r.toString());
          if (mine && myTag) {
            tagsOf.computeIfAbsent(id, k -> new HashSet<>()).add(tag);
            position = Math.max(position, r.position());
          }
        }
        case TAG_DELETE -> {
          TallyHttp.Res r = http.call("DELETE", "/tags/" + tag, t, null);
          assertEquals(myTag ? 200 : 404, r.status(), r.toString());
          if (myTag) {
            liveTags.remove(tag);
            tagsOf.values().forEach(set -> set.remove(tag));
            position = Math.max(position, r.position());
          }
        }
        case TAG_SEARCH -> {
          TallyHttp.Res r =
              http.call(
                  "POST",
                  "/contacts/search",
                  t,
                  "{\"query\":{\"field\":\"tag_id\",\"operator\":\"=\",\"value\":\""
                      + tag
                      + "\"},\"pagination\":{\"per_page\":150}}",
                  position == 0 ? Map.of() : Map.of("Tally-Min-Position", Long.toString(position)));
          assertEquals(200, r.status(), r.toString());
          long expected =
              owner.entrySet().stream()
                  .filter(e -> e.getValue() == a.actor())
                  .filter(e -> !archived.contains(e.getKey()))
                  .filter(e -> tagsOf.getOrDefault(e.getKey(), Set.of()).contains(tag))
                  .count();
          assertEquals(expected, r.json().get("total_count").asLong(), r.toString());
          for (JsonNode c : r.json().get("data")) {
            assertEquals(
                Integer.valueOf(a.actor()),
                owner.get(c.get("id").asText()),
                "found a contact it does not own: " + c);
          }
        }
        case CREATE -> {
          String email = "p" + a.email() + "@example.com";
          TallyHttp.Res r =
              http.call(
                  "POST",
                  "/contacts",
                  t,
                  "{\"email\":\"" + email + "\",\"external_id\":\"x" + a.email() + "\"}");
          if (emails.get(a.actor()).contains(email)) {
            assertEquals(409, r.status(), "duplicate within the workspace: " + r);
          } else {
            assertEquals(200, r.status(), "the same email in another workspace is fine: " + r);
            assertEquals(wsIds[a.actor()], r.json().get("workspace_id").asText());
            String newId = r.json().get("id").asText();
            ids.add(newId);
            owner.put(newId, a.actor());
            emails.get(a.actor()).add(email);
            emailOf.put(newId, email);
            position = Math.max(position, r.position());
          }
        }
        case GET -> {
          TallyHttp.Res r = http.call("GET", "/contacts/" + id, t, null);
          assertEquals(mine ? 200 : 404, r.status(), r.toString());
          if (mine) {
            assertEquals(wsIds[a.actor()], r.json().get("workspace_id").asText());
          }
        }
        case UPDATE -> {
          String name = "n" + a.target();
          TallyHttp.Res r = http.call("PUT", "/contacts/" + id, t, "{\"name\":\"" + name + "\"}");
          assertEquals(mine ? 200 : 404, r.status(), r.toString());
          if (mine) {
            nameOf.put(id, name);
          }
        }
        case DELETE -> {
          TallyHttp.Res r = http.call("DELETE", "/contacts/" + id, t, null);
          assertEquals(mine ? 200 : 404, r.status(), r.toString());
          if (mine) {
            owner.remove(id);
            archived.remove(id);
            leads.remove(id);
            tagsOf.remove(id);
            companiesOf.remove(id);
            ids.remove(id);
            emails.get(a.actor()).remove(emailOf.remove(id));
            position = Math.max(position, r.position());
          }
        }
        case LIST -> {
          TallyHttp.Res r = http.call("GET", "/contacts?per_page=150", t, null);
          long expected =
              owner.entrySet().stream()
                  .filter(e -> e.getValue() == a.actor() && !archived.contains(e.getKey()))
                  .count();
          assertEquals(expected, r.json().get("total_count").asLong(), r.toString());
          for (JsonNode c : r.json().get("data")) {
            assertEquals(
                Integer.valueOf(a.actor()),
                owner.get(c.get("id").asText()),
                "listed a contact it does not own: " + c);
          }
        }
        case EVENT -> {
          TallyHttp.Res r =
              http.call(
                  "POST",
                  "/events",
                  t,
                  "{\"event_name\":\"e\",\"created_at\":" + a.target() + ",\"id\":\"" + id + "\"}");
          assertEquals(mine ? 202 : 404, r.status(), r.toString());
        }
        case EVENTS_OF -> {
          TallyHttp.Res r =
              http.call(
                  "GET", "/events?type=user&intercom_user_id=" + id + "&summary=true", t, null);
          assertEquals(mine ? 200 : 404, r.status(), r.toString());
        }
        case ADMIN_GET -> {
          int of = a.target() % WORKSPACES;
          TallyHttp.Res r = http.call("GET", "/admins/" + adminIds[of], t, null);
          assertEquals(of == a.actor() ? 200 : 404, r.status(), r.toString());
        }
        case ADMIN_LIST -> {
          TallyHttp.Res r = http.call("GET", "/admins", t, null);
          assertEquals(1, r.json().get("admins").size(), r.toString());
          assertEquals(adminIds[a.actor()], r.json().get("admins").get(0).get("id").asText());
        }
        case OWN -> {
          int of = a.email() % WORKSPACES;
          TallyHttp.Res r =
              http.call("PUT", "/contacts/" + id, t, "{\"owner_id\":" + adminIds[of] + "}");
          int expected = !mine ? 404 : of == a.actor() ? 200 : 400;
          assertEquals(expected, r.status(), r.toString());
        }
        case NOTE -> {
          TallyHttp.Res r =
              http.call("POST", "/contacts/" + id + "/notes", t, "{\"body\":\"about " + id + "\"}");
          assertEquals(mine ? 200 : 404, r.status(), r.toString());
          if (mine) {
            String note = r.json().get("id").asText();
            notes.add(note);
            noteOwner.put(note, a.actor());
            noteContact.put(note, id);
          }
        }
        case NOTE_GET -> {
          if (notes.isEmpty()) {
            break;
          }
          String note = notes.get(a.target() % notes.size());
          // A note goes with its contact.
          boolean visible =
              noteOwner.get(note) == a.actor() && owner.containsKey(noteContact.get(note));
          TallyHttp.Res r = http.call("GET", "/notes/" + note, t, null);
          assertEquals(visible ? 200 : 404, r.status(), r.toString());
          TallyHttp.Res listed = http.call("GET", "/contacts/" + id + "/notes", t, null);
          assertEquals(mine ? 200 : 404, listed.status(), listed.toString());
          if (mine) {
            for (JsonNode listedNote : listed.json().get("data")) {
              assertEquals(
                  id, listedNote.get("contact").get("id").asText(), "a note of another contact");
            }
          }
        }
        case SEGMENT -> {
          String email = "p" + a.email() + "@example.com";
          TallyHttp.Res r =
              http.call(
                  "POST",
                  "/segments",
                  t,
                  "{\"name\":\"s\",\"query\":{\"field\":\"email\",\"operator\":\"=\",\"value\":\""
                      + email
                      + "\"}}");
          assertEquals(200, r.status(), r.toString());
          String segment = r.json().get("id").asText();
          segments.add(segment);
          segmentOwner.put(segment, a.actor());
          segmentEmail.put(segment, email);
        }
        case SEGMENT_GET -> {
          if (segments.isEmpty()) {
            break;
          }
          String segment = segments.get(a.target() % segments.size());
          boolean ours = segmentOwner.get(segment) == a.actor();
          TallyHttp.Res r =
              http.call("GET", "/segments/" + segment + "?include_count=true", t, null);
          assertEquals(ours ? 200 : 404, r.status(), r.toString());
          for (JsonNode listed : http.call("GET", "/segments", t, null).json().get("segments")) {
            assertEquals(
                Integer.valueOf(a.actor()),
                segmentOwner.get(listed.get("id").asText()),
                "listed another workspace's segment: " + listed);
          }
        }
        case SEGMENT_SEARCH -> {
          if (segments.isEmpty()) {
            break;
          }
          String segment = segments.get(a.target() % segments.size());
          boolean ours = segmentOwner.get(segment) == a.actor();
          TallyHttp.Res r =
              http.call(
                  "POST",
                  "/contacts/search",
                  t,
                  "{\"query\":{\"field\":\"segment_id\",\"operator\":\"=\",\"value\":\""
                      + segment
                      + "\"}}",
                  position == 0 ? Map.of() : Map.of("Tally-Min-Position", Long.toString(position)));
          // Another workspace's segment is unknown here: a 400 naming the value, never its members.
          assertEquals(ours ? 200 : 400, r.status(), r.toString());
          if (ours) {
            long expected =
                liveWithEmail(owner, emailOf, archived, a.actor(), segmentEmail.get(segment));
            assertEquals(expected, r.json().get("total_count").asLong(), r.toString());
            for (JsonNode c : r.json().get("data")) {
              assertEquals(Integer.valueOf(a.actor()), owner.get(c.get("id").asText()));
            }
          }
        }
        case ME -> {
          TallyHttp.Res r = http.call("GET", "/me", adminTokens[a.actor()], null);
          assertEquals(200, r.status(), r.toString());
          assertEquals(adminIds[a.actor()], r.json().get("id").asText());
          assertEquals(wsIds[a.actor()], r.json().path("app").path("id_code").asText());
        }
        case SEARCH -> {
          // Finds: a search for an email finds only the actor's own contact with it.
          String email = "p" + a.email() + "@example.com";
          TallyHttp.Res r =
              http.call(
                  "POST",
                  "/contacts/search",
                  t,
                  "{\"query\":{\"operator\":\"OR\",\"value\":["
                      + "{\"field\":\"email\",\"operator\":\"=\",\"value\":\""
                      + email
                      + "\"},{\"field\":\"email\",\"operator\":\"~\",\"value\":\"p"
                      + a.email()
                      + "@\"}]}}",
                  position == 0 ? Map.of() : Map.of("Tally-Min-Position", Long.toString(position)));
          assertEquals(200, r.status(), r.toString());
          long expected = liveWithEmail(owner, emailOf, archived, a.actor(), email);
          assertEquals(expected, r.json().get("total_count").asLong(), r.toString());
          for (JsonNode c : r.json().get("data")) {
            assertEquals(
                Integer.valueOf(a.actor()),
                owner.get(c.get("id").asText()),
                "found a contact it does not own: " + c);
          }
        }
        case ARCHIVE, UNARCHIVE -> {
          boolean archive = a.kind() == Kind.ARCHIVE;
          TallyHttp.Res r =
              http.call("POST", "/contacts/" + id + (archive ? "/archive" : "/unarchive"), t, null);
          assertEquals(mine ? 200 : 404, r.status(), r.toString());
          if (mine) {
            assertEquals(archive, r.json().get("archived").asBoolean(), r.toString());
            if (archive) {
              archived.add(id);
            } else {
              archived.remove(id);
            }
            position = Math.max(position, r.position());
          } else {
            assertEquals(null, r.json().get("archived"), "nothing of another's contact: " + r);
          }
        }
        case MERGE -> {
          // A fresh lead of the actor's, merged into the chosen contact: another workspace's is a
          // 404 naming into (and the lead stays), a lead is a 400 naming into.
          TallyHttp.Res created = http.call("POST", "/contacts", t, "{\"role\":\"lead\"}");
          assertEquals(200, created.status(), created.toString());
          String lead = created.json().get("id").asText();
          ids.add(lead);
          owner.put(lead, a.actor());
          leads.add(lead);
          position = Math.max(position, created.position());
          TallyHttp.Res r =
              http.call(
                  "POST",
                  "/contacts/merge",
                  t,
                  "{\"from\":\"" + lead + "\",\"into\":\"" + id + "\"}");
          int expected = !mine ? 404 : leads.contains(id) ? 400 : 200;
          assertEquals(expected, r.status(), r.toString());
          if (expected == 200) {
            assertEquals(id, r.json().get("id").asText());
            owner.remove(lead);
            ids.remove(lead);
            leads.remove(lead);
            position = Math.max(position, r.position());
            assertEquals(404, http.call("GET", "/contacts/" + lead, t, null).status());
          } else {
            assertEquals("into", r.field(), r.toString());
          }
          // Another workspace's lead cannot be merged into the actor's contact either.
          int other = (a.actor() + 1) % WORKSPACES;
          TallyHttp.Res theirs =
              http.call(
                  "POST",
                  "/contacts/merge",
                  tokens[other],
                  "{\"from\":\"" + lead + "\",\"into\":\"" + id + "\"}");
          if (owner.containsKey(lead)) {
            assertEquals(404, theirs.status(), theirs.toString());
            assertEquals("from", theirs.field(), theirs.toString());
          }
        }
      }
    }
    // Finally every owner still sees its contacts as it left them.
    for (Map.Entry<String, Integer> e : owner.entrySet()) {
      TallyHttp.Res r = http.call("GET", "/contacts/" + e.getKey(), tokens[e.getValue()], null);
      assertEquals(200, r.status());
      String name = nameOf.get(e.getKey());
      assertTrue(
          name == null ? r.json().get("name").isNull() : name.equals(r.json().get("name").asText()),
          r.toString());
    }
  }
}
