package dev.tally.core;

/**
 * The one error type Tally's code throws on purpose. It says what failed, with which value, and
 * whether retrying can help; the HTTP API maps it once to Intercom's error list, the CLI to an exit
 * code. Anything else that escapes is a bug and becomes a 500.
 */
public final class TallyException extends RuntimeException {

  /** What kind of failure this is; decides the HTTP status and whether a retry can help. */
  public enum Kind {
    BAD_REQUEST(400, false),
    UNAUTHORIZED(401, false),
    NOT_FOUND(404, false),
    CONFLICT(409, false),
    PAYLOAD_TOO_LARGE(413, false),
    UNAVAILABLE(503, true),
    /** A bug in Tally: the same request would fail the same way, so a retry cannot help. */
    INTERNAL(500, false);

    public final int status;
    public final boolean retriable;

    Kind(int status, boolean retriable) {
      this.status = status;
      this.retriable = retriable;
    }
  }

  private final Kind kind;
  private final String code;
  private final String field;

  public TallyException(Kind kind, String code, String field, String message) {
    this(kind, code, field, message, null);
  }

  public TallyException(Kind kind, String code, String field, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.code = code;
    this.field = field;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * Intercom's error code where one exists (parameter_invalid, not_found, ...), else Tally's own.
   */
  public String code() {
    return code;
  }

  /** The request field the error is about, or null. */
  public String field() {
    return field;
  }

  public boolean retriable() {
    return kind.retriable;
  }

  public static TallyException invalid(String field, String message) {
    return new TallyException(Kind.BAD_REQUEST, "parameter_invalid", field, message);
  }

  public static TallyException missing(String field, String message) {
    return new TallyException(Kind.BAD_REQUEST, "parameter_not_found", field, message);
  }

  public static TallyException badRequest(String code, String message) {
    return new TallyException(Kind.BAD_REQUEST, code, null, message);
  }

  public static TallyException notFound(String what, String id) {
    return new TallyException(
        Kind.NOT_FOUND, "not_found", null, what + " " + quote(id) + " not found");
  }

  /** A 404 {@code not_found} naming the request field that held the id ({@code field}). */
  public static TallyException notFoundAt(String field, String message) {
    return new TallyException(Kind.NOT_FOUND, "not_found", field, message);
  }

  public static TallyException conflict(String message) {
    return new TallyException(Kind.CONFLICT, "conflict", null, message);
  }

  public static TallyException unavailable(String code, String message, Throwable cause) {
    return new TallyException(
        Kind.UNAVAILABLE, code, null, message + " (retrying can help)", cause);
  }

  /**
   * Quotes a client-supplied value for an error message, cut short so a huge value cannot flood
   * logs.
   */
  public static String quote(Object value) {
    String s = String.valueOf(value);
    if (s.length() > 80) {
      s = s.substring(0, 77) + "...";
    }
    return "\"" + s + "\"";
  }
}
