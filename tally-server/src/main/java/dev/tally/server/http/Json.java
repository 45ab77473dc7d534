package dev.tally.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.TallyException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/** Reading request bodies (bounded, strict JSON) and writing JSON responses. */
final class Json {
  static final ObjectMapper MAPPER =
      new ObjectMapper(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(64).build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Reads the raw body, refusing more than {@code maxBytes} with a 413 before reading it all. */
  static byte[] readBody(Context ctx, long maxBytes) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw tooLarge(declared, maxBytes);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (body.length > maxBytes) {
        throw tooLarge(-1, maxBytes);
      }
      return body;
    } catch (IOException e) {
      throw TallyException.badRequest(
          "body_unreadable", "could not read the request body: " + e.getMessage());
    }
  }

  private static TallyException tooLarge(long declared, long max) {
    return new TallyException(
        TallyException.Kind.PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "body",
        "the request body"
            + (declared > 0 ? " of " + declared + " bytes" : "")
            + " is larger than the limit of "
            + max
            + " bytes (--max-body)");
  }

  /** Parses a body as one JSON value; malformed JSON is a 400 that says where. */
  static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw TallyException.invalid("body", "the request body is empty; expected a JSON object");
    }
    try {
      return MAPPER.readTree(body);
    } catch (JsonParseException e) {
      throw TallyException.invalid(
          "body",
          "the request body is not valid JSON: "
              + e.getOriginalMessage()
              + " at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr());
    } catch (JsonProcessingException e) {
      throw TallyException.invalid(
          "body", "the request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw TallyException.badRequest(
          "body_unreadable", "could not read the request body: " + e.getMessage());
    }
  }

  /** Reads JSON Tally stored itself ({@code what} names it): not JSON is a fault of the store. */
  static JsonNode stored(String json, String what) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("a stored " + what + " is not JSON", e);
    }
  }

  static String write(JsonNode node) {
    return node.toString();
  }

  /**
   * The UTF-8 bytes of {@code node}, written straight from the tree (no String in between, as a
   * response body wants).
   */
  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "a JSON tree Tally built could not be written: " + e.getMessage(), e);
    }
  }
}
