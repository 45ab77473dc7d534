package dev.tally.bench.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line of every benchmark ({@link Bench}): {@code --name value} or {@code --name=value}
 * pairs after the benchmark's name, and flags that may stand alone ({@code --breakdown}, which also
 * takes an explicit {@code true} or {@code false}). Each benchmark reads the options it knows, with
 * defaults chosen so that a plain run stays within a few minutes on a small machine. A bad command
 * line throws {@link UsageException}; so does {@code --help}, without a message.
 */
public final class BenchOptions {
  /** The options that need no value. */
  private static final Set<String> FLAGS = Set.of("breakdown");

  private final Map<String, String> values;

  private BenchOptions(Map<String, String> values) {
    this.values = values;
  }

  /** The options in {@code args} from index {@code from} on. */
  public static BenchOptions parse(String[] args, int from) {
    Map<String, String> v = new HashMap<>();
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        throw new UsageException(null);
      }
      if (!a.startsWith("--")) {
        throw new UsageException("expected --name value, got " + a);
      }
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (FLAGS.contains(name)) {
        boolean explicit =
            i + 1 < args.length && (args[i + 1].equals("true") || args[i + 1].equals("false"));
        value = explicit ? args[++i] : "true";
      } else {
        if (i + 1 >= args.length) {
          throw new UsageException("--" + name + " needs a value");
        }
        value = args[++i];
      }
      v.put(name, value);
    }
    return new BenchOptions(Map.copyOf(v));
  }

  /** For benchmarks that name all their options: any other is an error, not silently ignored. */
  public void allowOnly(String... names) {
    Set<String> known = Set.of(names);
    for (String name : values.keySet()) {
      if (!known.contains(name)) {
        throw new UsageException("unknown option --" + name);
      }
    }
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  public String string(String name, String dflt) {
    return values.getOrDefault(name, dflt);
  }

  /** One of {@code allowed}. */
  public String choice(String name, String dflt, String... allowed) {
    String value = string(name, dflt);
    if (!Arrays.asList(allowed).contains(value)) {
      throw new UsageException(
          "--" + name + " takes " + String.join(" or ", allowed) + ", not " + value);
    }
    return value;
  }

  /** A whole number, at least 0 ({@code 1_000_000} may be written with underscores). */
  public int integer(String name, int dflt) {
    return values.containsKey(name) ? whole(name, values.get(name), 0) : dflt;
  }

  /** A whole number, at least 1. */
  public int positive(String name, int dflt) {
    return values.containsKey(name) ? whole(name, values.get(name), 1) : dflt;
  }

  /** A comma-separated list of whole numbers, each at least 1. */
  public List<Integer> positives(String name, List<Integer> dflt) {
    return values.containsKey(name)
        ? Arrays.stream(values.get(name).split(",")).map(v -> whole(name, v.trim(), 1)).toList()
        : dflt;
  }

  public double decimal(String name, double dflt) {
    if (!values.containsKey(name)) {
      return dflt;
    }
    try {
      return Double.parseDouble(values.get(name));
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " takes a number, not " + values.get(name));
    }
  }

  /** A flag: true when given alone or as {@code true}. */
  public boolean flag(String name) {
    return Boolean.parseBoolean(values.getOrDefault(name, "false"));
  }

  public Path path(String name, Path dflt) {
    return values.containsKey(name) ? Path.of(values.get(name)) : dflt;
  }

  /** The Markdown file results are written to ({@code --out}), or null (stdout only). */
  public Path out() {
    return path("out", null);
  }

  /**
   * An empty directory for a benchmark's files: {@code name} in {@code --dir} (emptied first if an
   * earlier run left it), or else a new temporary directory named after {@code prefix}, so that the
   * benchmark's removing it at the end leaves nothing behind.
   */
  public Path freshDir(String prefix, String name) throws IOException {
    if (!has("dir")) {
      return Files.createTempDirectory(prefix);
    }
    Path d = Path.of(values.get("dir")).resolve(name);
    BenchFiles.deleteTree(d);
    return Files.createDirectories(d);
  }

  private static int whole(String name, String value, int least) {
    int n;
    try {
      n = Integer.parseInt(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " takes a whole number, not " + value);
    }
    if (n < least) {
      throw new UsageException("--" + name + " must be at least " + least);
    }
    return n;
  }

  /** A bad command line: the message (null for --help) and the usage go to standard error. */
  public static final class UsageException extends RuntimeException {
    public UsageException(String message) {
      super(message);
    }
  }
}
