package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * T6 for snapshots: Tally is killed with kill -9 while it writes a snapshot. The half-written copy
 * is never listed nor restored from; healing after the crash uses the last complete snapshot; the
 * next snapshot works and removes the leftover.
 */
class SnapshotCrashTest {
  private static final int SEEDED = 40_000;
  private static final String ALL =
      "{\"query\":{\"field\":\"email\",\"operator\":\"$\",\"value\":\"@example.com\"},\"pagination\":{\"per_page\":1}}";

  @TempDir Path dir;

  @Test
  void killNineDuringASnapshotLeavesNothingThatLooksUsable() throws Exception {
    Path data = dir.resolve("data");
    Path snapshots = data.resolve("snapshots");
    Path log = dir.resolve("tally.log");
    TallyProcess tally = TallyProcess.start(data, log);
    String token = tally.token;
    TallyHttp http = new TallyHttp(tally.port);
    long at = 0;
    for (int from = 0; from < SEEDED; from += 10_000) {
      StringBuilder bulk = new StringBuilder();
      for (int i = from; i < from + 10_000; i++) {
        bulk.append("{\"external_id\":\"s")
            .append(i)
            .append("\",\"email\":\"s")
            .append(i)
            .append("@example.com\",\"name\":\"Contact ")
            .append(i)
            .append("\",\"custom_attributes\":{\"n\":")
            .append(i)
            .append("}}\n");
      }
      TallyHttp.Res r = http.call("POST", "/contacts/bulk", token, bulk.toString());
      assertEquals(200, r.status(), r.toString());
      at = Long.parseLong(r.json().get("position").asText());
    }
    await(http, token, at, SEEDED);
    TallyHttp.Res complete = http.call("POST", "/admin/index/snapshots", ApiTestBase.ADMIN, "{}");
    assertEquals(201, complete.status(), complete.toString());
    String good = complete.json().get("name").asText();

    // Kill while a snapshot is being copied: watch for its temporary directory, then kill -9 at
    // once.
    boolean killedMidway = false;
    for (int attempt = 0; attempt < 20 && !killedMidway; attempt++) {
      for (int i = 0; i < 3; i++) { // a few more writes, so the next snapshot has new files to copy
        http.call(
            "POST", "/contacts", token, "{\"email\":\"a" + attempt + "-" + i + "@example.com\"}");
      }
      TallyHttp client = new TallyHttp(tally.port);
      CompletableFuture<TallyHttp.Res> snap =
          CompletableFuture.supplyAsync(
              () -> client.call("POST", "/admin/index/snapshots", ApiTestBase.ADMIN, "{}"));
      long until = System.nanoTime() + 10_000_000_000L;
      while (!snap.isDone() && System.nanoTime() < until) {
        if (!partials(snapshots).isEmpty()) {
          tally.kill();
          break;
        }
        Thread.onSpinWait();
      }
      if (tally.process.isAlive()) {
        continue; // the snapshot finished before it was seen; try again
      }
      killedMidway = !partials(snapshots).isEmpty();
      if (!killedMidway) {
        tally = TallyProcess.start(data, log); // it finished between the look and the kill
        http = new TallyHttp(tally.port);
      }
    }
    assertTrue(
        killedMidway,
        "no snapshot was caught half-written in 20 attempts; the test tested nothing");
    System.out.println(
        "SnapshotCrashTest: killed with "
            + partials(snapshots)
            + " half-written beside "
            + listDirs(snapshots));

    try (TallyProcess again = TallyProcess.start(data, log)) {
      TallyHttp after = new TallyHttp(again.port);
      JsonNode listed =
          after.call("GET", "/admin/index/snapshots", ApiTestBase.ADMIN, null).json().get("data");
      for (JsonNode s : listed) {
        assertFalse(
            s.get("name").asText().endsWith(".partial"),
            "a half-written snapshot is listed: " + listed);
      }
      assertTrue(
          listed.toString().contains(good), "the complete snapshot is still listed: " + listed);

      // Healing after the crash: the index lost, restored from a complete snapshot (never the half
      // one).
      long head =
          Long.parseLong(
              after
                  .call("GET", "/admin/oplog?limit=1", ApiTestBase.ADMIN, null)
                  .json()
                  .get("head")
                  .asText());
      long count =
          after
              .call(
                  "POST",
                  "/contacts/search",
                  token,
                  ALL,
                  java.util.Map.of("Tally-Min-Position", Long.toString(head)))
              .json()
              .get("total_count")
              .asLong();
      deleteTree(data.resolve("index"));
      JsonNode status =
          Await.until(
              "the lost index restored and Tally ready",
              Duration.ofSeconds(60),
              () -> after.call("GET", "/admin/index/rebuild", ApiTestBase.ADMIN, null).json(),
              s ->
                  s.get("state").asText().equals("done")
                      && after.call("GET", "/health/ready", null, null).status() == 200);
      assertEquals("done", status.get("state").asText(), status.toString());
      assertTrue(
          status.get("source").asText().startsWith("snapshot ")
              && !status.get("source").asText().endsWith(".partial"),
          "healed from a complete snapshot: " + status);
      assertEquals(
          count,
          after.call("POST", "/contacts/search", token, ALL).json().get("total_count").asLong());
      assertTrue(
          after
              .call("POST", "/admin/index/verify", ApiTestBase.ADMIN, "{}")
              .json()
              .get("agree")
              .asBoolean());

      // The next snapshot works and clears the leftover.
      TallyHttp.Res next = after.call("POST", "/admin/index/snapshots", ApiTestBase.ADMIN, "{}");
      assertEquals(201, next.status(), next.toString());
      assertEquals(
          List.of(), partials(snapshots), "the half-written snapshot is removed by the next one");
    }
  }

  private static void await(TallyHttp http, String token, long position, long expected) {
    TallyHttp.Res r =
        http.call(
            "POST",
            "/contacts/search",
            token,
            ALL,
            java.util.Map.of("Tally-Min-Position", Long.toString(position)));
    assertEquals(200, r.status(), r.toString());
    assertEquals(expected, r.json().get("total_count").asLong());
  }

  private static List<String> partials(Path snapshots) throws Exception {
    return listDirs(snapshots).stream().filter(n -> n.endsWith(".partial")).toList();
  }

  private static List<String> listDirs(Path root) throws Exception {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void deleteTree(Path p) throws Exception {
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
