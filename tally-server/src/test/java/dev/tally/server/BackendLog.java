package dev.tally.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Which store and index each server test ran against, one line per start ({@code test \t store \t
 * index}) in target/tally-backends.tsv, so that bin/test can say how many tests ran against each
 * backend. A test is named by the test method found on the stack (or by the test that {@link
 * ApiTestBase}'s per-test start is running for); a parameterized test that starts Tally itself
 * counts once per store and index, however many invocations it has.
 */
final class BackendLog {
  static final Path FILE = Path.of("target", "tally-backends.tsv");

  /**
   * Set by ApiTestBase while its @BeforeEach starts Tally: there is no test method on the stack
   * then.
   */
  static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  private BackendLog() {}

  static synchronized void ran(String store, String index) {
    String test = CURRENT.get() != null ? CURRENT.get() : callingTest();
    try {
      Files.createDirectories(FILE.getParent());
      Files.writeString(
          FILE,
          test + "\t" + store + "\t" + index + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The outermost frame that is a JUnit or jqwik test method: Class#method. */
  private static String callingTest() {
    return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
        .walk(
            frames ->
                frames
                    .filter(
                        f ->
                            f.getDeclaringClass().getName().startsWith("dev.tally.")
                                && isTest(f.getDeclaringClass(), f.getMethodName()))
                    .reduce((first, second) -> second)
                    .map(f -> f.getDeclaringClass().getName() + "#" + f.getMethodName())
                    .orElseGet(BackendLog::callingTestClass));
  }

  /**
   * For a start in a per-class setup (jqwik's @BeforeContainer): the test class's outermost frame.
   */
  private static String callingTestClass() {
    return StackWalker.getInstance()
        .walk(
            frames ->
                frames
                    .filter(
                        f ->
                            f.getClassName().startsWith("dev.tally.")
                                && f.getClassName().matches(".*(Test|Tests|Properties|IT)$"))
                    .reduce((first, second) -> second)
                    .map(f -> f.getClassName() + "#" + f.getMethodName())
                    .orElse("unknown"));
  }

  private static boolean isTest(Class<?> type, String method) {
    for (Method m : type.getDeclaredMethods()) {
      if (m.getName().equals(method)
          && Arrays.stream(m.getAnnotations())
              .map(a -> a.annotationType().getSimpleName())
              .anyMatch(
                  n ->
                      n.equals("Test")
                          || n.equals("ParameterizedTest")
                          || n.equals("Property")
                          || n.equals("RepeatedTest"))) {
        return true;
      }
    }
    return false;
  }
}
