package dev.tally.bench.messaging;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * The webhook receiver the messaging benchmarks deliver to: the JDK's HTTP server on a free port of
 * 127.0.0.1 with a fixed pool of threads, answering every {@code POST} 200 with an empty body after
 * reading the whole request (keep-alive, as a real receiver would). It counts requests, keeps the
 * last body (so that the load tool can send the very payload Tally sends), and can hand each body
 * with its arrival time to a listener.
 */
final class WebhookSink implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService threads;
  private final AtomicLong received = new AtomicLong();
  private final AtomicReference<byte[]> lastBody = new AtomicReference<>();
  private volatile BiConsumer<byte[], Long> listener;

  WebhookSink(int threadCount) throws IOException {
    threads = Executors.newFixedThreadPool(threadCount);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    long at = System.nanoTime();
    received.incrementAndGet();
    lastBody.set(body);
    BiConsumer<byte[], Long> l = listener;
    if (l != null) {
      l.accept(body, at);
    }
    exchange.sendResponseHeaders(200, -1);
    exchange.close();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  long received() {
    return received.get();
  }

  byte[] lastBody() {
    return lastBody.get();
  }

  /** Called with each body and its arrival ({@link System#nanoTime()}) on the receiving thread. */
  void onReceive(BiConsumer<byte[], Long> l) {
    listener = l;
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
