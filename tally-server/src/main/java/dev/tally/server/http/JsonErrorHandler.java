package dev.tally.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * The errors Jetty answers itself, before a request reaches Tally's routes (a malformed URI or
 * header, a header or URL too large, a bad Content-Length), in Intercom's error-list shape with a
 * request id, as every other error: Jetty's own are HTML pages.
 */
final class JsonErrorHandler extends ErrorHandler {

  static byte[] body(int status, String reason) {
    ObjectNode o = Json.object();
    o.put("type", "error.list");
    o.put("request_id", "req_" + UUID.randomUUID());
    ObjectNode err = o.putArray("errors").addObject();
    err.put("code", code(status));
    err.put(
        "message",
        "the HTTP request could not be read ("
            + status
            + (reason == null || reason.isBlank() ? "" : ": " + reason)
            + "); retrying the same request cannot help");
    return Json.bytes(o);
  }

  private static String code(int status) {
    return switch (status) {
      case 413 -> "payload_too_large";
      case 414 -> "uri_too_long";
      case 431 -> "headers_too_large";
      case 404 -> "not_found";
      // Jetty's 500 is a bug, named as Tally's own are; its other 5xx (505 for an HTTP version
      // other than 1.0 and 1.1) refuse the client's request, as its 4xx do.
      case 500 -> "server_error";
      default -> "bad_request";
    };
  }

  /**
   * Every method gets the body: Jetty's default writes one only for GET, POST and HEAD, and sent
   * other methods' errors ({@code DELETE *}, a 400) with an empty body.
   */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    return ByteBuffer.wrap(body(status, reason));
  }

  @Override
  protected void generateAcceptableResponse(
      Request baseRequest,
      HttpServletRequest request,
      HttpServletResponse response,
      int code,
      String message)
      throws IOException {
    baseRequest.setHandled(true);
    response.setContentType("application/json");
    response.getOutputStream().write(body(code, message));
  }
}
