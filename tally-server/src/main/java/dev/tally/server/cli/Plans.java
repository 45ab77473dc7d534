package dev.tally.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;

/**
 * {@code tally plan} and {@code tally apply}: index layout changes, listed first, then carried out
 * create before destroy.
 */
public final class Plans {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Plans() {}

  public static int plan(RemoteAdmin admin, PrintStream out) {
    JsonNode plan = get(admin);
    if (plan == null) {
      return ExitCodes.UNREACHABLE;
    }
    print(plan, out);
    return ExitCodes.OK;
  }

  public static int apply(RemoteAdmin admin, PrintStream out) {
    JsonNode plan = get(admin);
    if (plan == null) {
      return ExitCodes.UNREACHABLE;
    }
    if (!plan.path("changes").asBoolean()) {
      print(plan, out);
      return ExitCodes.OK;
    }
    print(plan, out);
    return Rebuilds.follow(admin, "/admin/index/apply");
  }

  private static JsonNode get(RemoteAdmin admin) {
    HttpResponse<String> r = admin.client().call("GET", "/admin/index/plan", null);
    if (r == null) {
      return null;
    }
    try {
      JsonNode j = JSON.readTree(r.body());
      if (r.statusCode() != 200) {
        System.err.println("tally: the plan could not be made: " + r.statusCode() + " " + r.body());
        return null;
      }
      return j;
    } catch (IOException e) {
      System.err.println("tally: unreadable answer: " + e.getMessage());
      return null;
    }
  }

  private static void print(JsonNode plan, PrintStream out) {
    out.println(
        "Index "
            + plan.path("generation").asText()
            + " has layout "
            + plan.path("layout").asText()
            + "; this Tally writes "
            + plan.path("target_layout").asText()
            + ".");
    for (JsonNode step : plan.path("steps")) {
      out.printf(
          "  %d. %s%s%n",
          step.path("step").asInt(),
          step.path("destructive").asBoolean() ? "[DESTRUCTIVE] " : "",
          step.path("action").asText());
    }
    out.println(plan.path("note").asText());
  }
}
