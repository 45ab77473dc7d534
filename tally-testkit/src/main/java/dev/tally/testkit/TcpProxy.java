package dev.tally.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy in front of a server (PostgreSQL, OpenSearch), for tests that cut the
 * network. {@link #stop()} drops every connection and refuses new ones, as a database that went
 * away does; {@link #start()} listens again on the same port.
 */
public final class TcpProxy implements AutoCloseable {
  private final String host;
  private final int targetPort;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;
  private int port;

  public TcpProxy(String host, int targetPort) {
    this.host = host;
    this.targetPort = targetPort;
  }

  public int port() {
    return port;
  }

  public synchronized void start() throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress("127.0.0.1", port));
    port = s.getLocalPort();
    server = s;
    Thread.ofPlatform().daemon().name("proxy-accept").start(() -> accept(s));
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket client = s.accept();
        Socket upstream = new Socket(host, targetPort);
        synchronized (this) { // a stop() between accept and here must not leave this pair connected
          if (s.isClosed()) {
            client.setSoLinger(true, 0);
            closeQuietly(client);
            closeQuietly(upstream);
            return;
          }
          open.add(client);
          open.add(upstream);
        }
        Thread.ofPlatform().daemon().name("proxy-up").start(() -> pump(client, upstream));
        Thread.ofPlatform().daemon().name("proxy-down").start(() -> pump(upstream, client));
      } catch (IOException e) {
        return; // stopped
      }
    }
  }

  private static void pump(Socket from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException ignored) {
      // a side closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  /** Refuses new connections and resets the open ones. */
  public synchronized void stop() {
    closeQuietly(server);
    for (Socket s : open) {
      try {
        s.setSoLinger(true, 0); // a reset, as when the server's process dies
      } catch (IOException ignored) {
        // already closed
      }
      closeQuietly(s);
    }
    open.clear();
  }

  @Override
  public void close() {
    stop();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (Exception ignored) {
      // closing anyway
    }
  }
}
