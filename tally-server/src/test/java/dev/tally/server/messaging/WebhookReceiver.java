package dev.tally.server.messaging;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real local webhook receiver: answers each request with the next scripted answer (then with the
 * last one), or hangs until closed; records what it got.
 */
public final class WebhookReceiver implements AutoCloseable {
  public record Request(Headers headers, byte[] body) {
    public String header(String name) {
      return headers.getFirst(name);
    }
  }

  /**
   * One scripted answer: a status after a delay (longer than the sender's webhook timeout: a timed
   * out delivery), with headers such as Retry-After.
   */
  public record Answer(int status, Duration delay, Map<String, String> headers) {
    public static Answer status(int status) {
      return new Answer(status, Duration.ZERO, Map.of());
    }

    public Answer after(Duration delay) {
      return new Answer(status, delay, headers);
    }

    public Answer header(String name, String value) {
      Map<String, String> h = new java.util.HashMap<>(headers);
      h.put(name, value);
      return new Answer(status, delay, Map.copyOf(h));
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Request> received = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
  private final boolean hang;
  private final CountDownLatch released = new CountDownLatch(1);
  private final Function<Request, Integer> answer; // null: the script answers
  private volatile Answer last;

  private WebhookReceiver(boolean hang, Answer... answers) throws IOException {
    this(hang, null, answers);
  }

  private WebhookReceiver(boolean hang, Function<Request, Integer> answer, Answer... answers)
      throws IOException {
    this.hang = hang;
    this.answer = answer;
    for (Answer a : answers) {
      script.add(a);
      last = a;
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Answers these statuses in turn, then the last one again. */
  public static WebhookReceiver answering(int... statuses) throws IOException {
    return new WebhookReceiver(
        false, java.util.Arrays.stream(statuses).mapToObj(Answer::status).toArray(Answer[]::new));
  }

  /** Answers these in turn, then the last one again. */
  public static WebhookReceiver answering(Answer... answers) throws IOException {
    return new WebhookReceiver(false, answers);
  }

  /**
   * Answers each request with the status {@code answer} gives (called on the receiver's thread
   * while the sender waits for the answer: what it reads is the world at the moment of delivery).
   */
  static WebhookReceiver answeringWith(Function<Request, Integer> answer) throws IOException {
    return new WebhookReceiver(false, answer, Answer.status(200));
  }

  /** Never answers (until closed). */
  public static WebhookReceiver hanging() throws IOException {
    return new WebhookReceiver(true, Answer.status(200));
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  public List<Request> received() {
    return received;
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    Request request = new Request(exchange.getRequestHeaders(), body);
    received.add(request);
    if (hang) {
      try {
        released.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Answer answer = this.answer != null ? Answer.status(this.answer.apply(request)) : script.poll();
    if (answer == null) {
      answer = last;
    }
    if (!answer.delay().isZero()) {
      try {
        Thread.sleep(answer.delay());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    answer.headers().forEach(exchange.getResponseHeaders()::add);
    exchange.sendResponseHeaders(answer.status(), -1);
    try (OutputStream out = exchange.getResponseBody()) {
      out.flush();
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
