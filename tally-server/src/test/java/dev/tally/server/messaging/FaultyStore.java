package dev.tally.server.messaging;

import dev.tally.core.TallyException;
import dev.tally.core.store.Store;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fault injection around a real store (Lucene's MockDirectoryWrapper is the model): every call goes
 * to the store underneath unless an outage is on, when it throws the store's own "unavailable"
 * exception (a retriable 503, as {@code StoreErrors} makes of a lost connection). Not a mock: what
 * it answers is the real store's answer.
 *
 * <ul>
 *   <li>{@link #down}: the store unreachable until {@link #up}.
 *   <li>{@link #downAfter}: the outage starts at the n-th call from now, so it can begin in the
 *       middle of a send's path (after the delivery, before its record).
 *   <li>{@link #ambiguousWrites}: a write commits, then its answer is lost (the connection dropped
 *       after COMMIT): the caller gets the exception although the change is there.
 *   <li>{@link #beforeNext}: runs a change of the world just before the next call of a method (the
 *       sender's first read of a claimed send is {@code campaign}: the change lands between the
 *       claim and the final check).
 * </ul>
 *
 * {@link #faults()} counts the calls that failed, so a checker can tell whether anything was lost
 * between two moments.
 */
final class FaultyStore implements InvocationHandler {
  private static final Set<String> PASS = Set.of("close", "toString", "hashCode", "equals");

  private final Store real;
  private volatile boolean down;
  private volatile boolean ambiguousWrites;
  private final AtomicInteger tripIn = new AtomicInteger(-1);
  private final AtomicLong faults = new AtomicLong();
  private final AtomicReference<Hook> hook = new AtomicReference<>();

  private record Hook(String method, Runnable change) {}

  private FaultyStore(Store real) {
    this.real = real;
  }

  /** The real store behind a fault-injecting proxy, and the switch board that drives it. */
  static FaultyStore around(Store real) {
    return new FaultyStore(real);
  }

  Store store() {
    return (Store)
        Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class}, this);
  }

  void down() {
    down = true;
  }

  void up() {
    down = false;
    ambiguousWrites = false;
    tripIn.set(-1);
    hook.set(null);
  }

  /** The outage starts at the {@code n}-th call from now (1: the next). */
  void downAfter(int n) {
    tripIn.set(n);
  }

  void ambiguousWrites(boolean on) {
    ambiguousWrites = on;
  }

  /** Runs {@code change} just before the next call of {@code method} (null: no more). */
  void beforeNext(String method, Runnable change) {
    hook.set(change == null ? null : new Hook(method, change));
  }

  /** How many calls failed by injection so far. */
  long faults() {
    return faults.get();
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    if (!PASS.contains(name)) {
      Hook h = hook.get();
      if (h != null && h.method().equals(name) && hook.compareAndSet(h, null)) {
        h.change().run();
      }
      if (tripIn.get() > 0 && tripIn.decrementAndGet() == 0) {
        down = true;
      }
      if (down) {
        throw outage(name);
      }
    }
    Object result;
    try {
      result = method.invoke(real, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
    if (ambiguousWrites && name.startsWith("write")) {
      throw outage(name + " (committed, answer lost)");
    }
    return result;
  }

  private TallyException outage(String call) {
    faults.incrementAndGet();
    return TallyException.unavailable(
        "store_unreachable", "injected: the database is unreachable (" + call + ")", null);
  }
}
