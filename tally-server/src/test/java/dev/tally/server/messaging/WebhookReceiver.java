package dev.tally.server.messaging;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real local webhook receiver: answers each request with the next scripted status (then with the
 * last one), or hangs until closed; records what it got.
 */
final class WebhookReceiver implements AutoCloseable {
  record Request(Headers headers, byte[] body) {
    String header(String name) {
      return headers.getFirst(name);
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Request> received = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Integer> script = new ConcurrentLinkedQueue<>();
  private final boolean hang;
  private final CountDownLatch released = new CountDownLatch(1);
  private final Function<Request, Integer> answer;
  private volatile int last;

  private WebhookReceiver(boolean hang, int... statuses) throws IOException {
    this(hang, null, statuses);
  }

  private WebhookReceiver(boolean hang, Function<Request, Integer> answer, int... statuses)
      throws IOException {
    this.hang = hang;
    this.answer = answer;
    for (int s : statuses) {
      script.add(s);
      last = s;
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Answers these statuses in turn, then the last one again. */
  static WebhookReceiver answering(int... statuses) throws IOException {
    return new WebhookReceiver(false, statuses);
  }

  /**
   * Answers each request with the status {@code answer} gives (called on the receiver's thread
   * while the sender waits for the answer: what it reads is the world at the moment of delivery).
   */
  static WebhookReceiver answeringWith(Function<Request, Integer> answer) throws IOException {
    return new WebhookReceiver(false, answer, 200);
  }

  /** Never answers (until closed). */
  static WebhookReceiver hanging() throws IOException {
    return new WebhookReceiver(true, 200);
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  List<Request> received() {
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
    Integer status = answer != null ? answer.apply(request) : script.poll();
    exchange.sendResponseHeaders(status == null ? last : status, -1);
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
