package dev.tally.messaging.webhook;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real webhook receiver on 127.0.0.1 and a free port: answers every request as its {@link Script}
 * says and records what it received. {@link #hanging()} never answers until closed.
 */
final class Receiver implements AutoCloseable {
  /** The answer to a request. */
  record Answer(int status, String body, String... headers) {}

  /** What one request carried. */
  record Request(Headers headers, byte[] body) {
    String header(String name) {
      return headers.getFirst(name);
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Request> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch released = new CountDownLatch(1);

  private Receiver(Answer answer) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext("/", exchange -> handle(exchange, answer));
    server.start();
  }

  static Receiver answering(int status, String body, String... headers) throws IOException {
    return new Receiver(new Answer(status, body, headers));
  }

  static Receiver hanging() throws IOException {
    return new Receiver(null);
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/tally");
  }

  List<Request> received() {
    return received;
  }

  private void handle(HttpExchange exchange, Answer answer) throws IOException {
    received.add(
        new Request(exchange.getRequestHeaders(), exchange.getRequestBody().readAllBytes()));
    if (answer == null) {
      try {
        released.await(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
      return;
    }
    for (int i = 0; i < answer.headers().length; i += 2) {
      exchange.getResponseHeaders().add(answer.headers()[i], answer.headers()[i + 1]);
    }
    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
