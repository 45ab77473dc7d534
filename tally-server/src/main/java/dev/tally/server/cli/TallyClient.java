package dev.tally.server.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A small HTTP client for CLI commands that act on a running Tally with a token (admin or
 * workspace).
 */
public final class TallyClient {
  private final String url;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public TallyClient(String url, String token) {
    this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.token = token;
  }

  /**
   * Sends a request and returns the response, or null when Tally could not be reached (the reason
   * is printed).
   */
  public HttpResponse<String> call(String method, String path, String jsonBody) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json");
    if (jsonBody != null) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | IllegalArgumentException e) {
      System.err.println(
          "tally: could not reach Tally at "
              + url
              + ": "
              + e.getMessage()
              + " (is it running? --url / TALLY_URL)");
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Sends a request, prints the response body, and returns the exit code for its outcome. */
  public int send(String method, String path, String jsonBody) {
    HttpResponse<String> r = call(method, path, jsonBody);
    if (r == null) {
      return ExitCodes.UNREACHABLE;
    }
    if (r.statusCode() >= 200 && r.statusCode() < 300) {
      System.out.println(r.body());
      return ExitCodes.OK;
    }
    System.err.println(
        "tally: " + method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    return r.statusCode() == 401 || r.statusCode() == 400
        ? ExitCodes.USAGE
        : r.statusCode() >= 500 ? ExitCodes.UNREACHABLE : ExitCodes.PROBLEM;
  }

  public static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  public static String path(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8);
  }
}
