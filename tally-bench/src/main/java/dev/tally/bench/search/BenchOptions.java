package dev.tally.bench.search;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The command line of {@link BenchSearch}: {@code --name value} pairs, with defaults chosen per
 * subcommand so that a plain run of every benchmark stays within a few minutes on a small machine.
 */
record BenchOptions(Map<String, String> values) {

  static BenchOptions parse(String[] args, int from) {
    Map<String, String> v = new HashMap<>();
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("expected --name value, got " + a);
      }
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("--" + name + " needs a value");
        }
        value = args[++i];
      }
      v.put(name, value);
    }
    return new BenchOptions(Map.copyOf(v));
  }

  String string(String name, String dflt) {
    return values.getOrDefault(name, dflt);
  }

  int integer(String name, int dflt) {
    return values.containsKey(name) ? Integer.parseInt(values.get(name).replace("_", "")) : dflt;
  }

  double decimal(String name, double dflt) {
    return values.containsKey(name) ? Double.parseDouble(values.get(name)) : dflt;
  }

  /** The Markdown file results are appended to, or null (stdout only). */
  Path out() {
    return values.containsKey("out") ? Path.of(values.get("out")) : null;
  }
}
