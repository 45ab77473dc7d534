package dev.tally.server;

import dev.tally.server.cli.AdminClient;
import dev.tally.server.cli.ExitCodes;
import dev.tally.server.config.Config;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code tally} command line. Exit codes: 0 success, 1 found a problem, 2 bad usage or configuration, 3 could not reach Tally. */
@Command(name = "tally", mixinStandardHelpOptions = true, version = "tally 0.1.0",
    description = "Tally: a self-hosted customer data and messaging core with an Intercom-shaped API.",
    subcommands = {Main.Serve.class, Main.WorkspaceCmd.class, Main.TokenCmd.class, Main.SettingsCmd.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:ran and found a problem", "2:bad usage or configuration", "3:could not reach or open Tally"})
public final class Main implements Runnable {

  @Spec
  CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    CommandLine serve = cli.getSubcommands().get("serve");
    for (Setting s : Settings.SERVE) {
      if (s.flag()) {
        serve.getCommandSpec().addOption(OptionSpec.builder(s.flagName())
            .paramLabel(s.type() == Setting.Type.BOOLEAN ? "BOOL" : s.type().name())
            .arity("1")
            .type(String.class)
            .description(s.description() + (s.choices().isEmpty() ? "" : " One of: " + String.join(", ", s.choices()) + ".")
                + " Environment: " + s.env() + "." + (s.defaultValue() == null ? "" : " Default: " + s.defaultValue() + "."))
            .build());
      }
    }
    serve.getCommandSpec().usageMessage().footer("%nSettings without a flag: "
        + String.join(", ", Settings.SERVE.stream().filter(s -> !s.flag()).map(s -> s.env() + " (" + s.description() + ")").toList()));
    cli.setExitCodeExceptionMapper(e -> ExitCodes.USAGE);
    cli.setParameterExceptionHandler((e, a) -> {
      e.getCommandLine().getErr().println("tally: " + e.getMessage());
      e.getCommandLine().usage(e.getCommandLine().getErr());
      return ExitCodes.USAGE;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the HTTP API with data in --data (default ./data).")
  static final class Serve implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      Map<Setting, String> flags = new HashMap<>();
      for (Setting s : Settings.SERVE) {
        if (s.flag()) {
          String v = spec.findOption(s.flagName()).getValue();
          if (v != null) {
            flags.put(s, v);
          }
        }
      }
      Config config;
      try {
        config = Config.resolve(flags, System::getenv);
      } catch (IllegalArgumentException e) {
        System.err.println("tally: bad setting: " + e.getMessage());
        return ExitCodes.USAGE;
      }
      Logging.configure(config.string(Settings.LOG_FORMAT));
      TallyServer server;
      try {
        server = TallyServer.start(config, (String) config.get(Settings.ADMIN_TOKEN), System.out);
      } catch (TallyServer.DataDirInUseException e) {
        System.err.println("tally: " + e.getMessage());
        return ExitCodes.UNREACHABLE;
      } catch (Exception e) {
        System.err.println("tally: could not start: " + e.getMessage());
        org.slf4j.LoggerFactory.getLogger(Main.class).error("start-up failed", e);
        return ExitCodes.UNREACHABLE;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      // SIGTERM and SIGINT run shutdown hooks: drain in-flight requests, then close the store.
      Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("tally-shutdown").unstarted(() -> {
        server.close();
        stopped.countDown();
      }));
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return ExitCodes.OK;
    }
  }

  /** Options shared by commands that act on a running Tally. */
  static final class Remote {
    @Option(names = "--url", description = "Tally's URL. Environment: TALLY_URL. Default: http://127.0.0.1:7400.")
    String url;

    @Option(names = "--admin-token", description = "The admin token. Environment: TALLY_ADMIN_TOKEN.")
    String adminToken;

    AdminClient client() {
      String u = url != null ? url : System.getenv().getOrDefault("TALLY_URL", "http://127.0.0.1:7400");
      String t = adminToken != null ? adminToken : System.getenv("TALLY_ADMIN_TOKEN");
      if (t == null || t.isBlank()) {
        throw new CommandLine.ParameterException(new CommandLine(this), "the admin token is needed: --admin-token or TALLY_ADMIN_TOKEN");
      }
      return new AdminClient(u, t);
    }
  }

  @Command(name = "workspace", mixinStandardHelpOptions = true, description = "Create, list and delete workspaces on a running Tally.",
      subcommands = {WorkspaceCmd.Create.class, WorkspaceCmd.ListCmd.class, WorkspaceCmd.Delete.class})
  static final class WorkspaceCmd implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(System.out);
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a workspace; prints its id and first token.")
    static final class Create implements Callable<Integer> {
      @CommandLine.Mixin
      Remote remote = new Remote();

      @Parameters(paramLabel = "NAME")
      String name;

      @Override
      public Integer call() {
        return remote.client().send("POST", "/admin/workspaces", "{\"name\":" + AdminClient.quote(name) + "}");
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List workspaces.")
    static final class ListCmd implements Callable<Integer> {
      @CommandLine.Mixin
      Remote remote = new Remote();

      @Override
      public Integer call() {
        return remote.client().send("GET", "/admin/workspaces", null);
      }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a workspace and everything in it.")
    static final class Delete implements Callable<Integer> {
      @CommandLine.Mixin
      Remote remote = new Remote();

      @Parameters(paramLabel = "WORKSPACE_ID")
      String id;

      @Override
      public Integer call() {
        return remote.client().send("DELETE", "/admin/workspaces/" + AdminClient.path(id), null);
      }
    }
  }

  @Command(name = "token", mixinStandardHelpOptions = true,
      description = "Rotate workspace tokens on a running Tally: create a new one, then revoke the old.",
      subcommands = {TokenCmd.Create.class, TokenCmd.ListCmd.class, TokenCmd.Revoke.class})
  static final class TokenCmd implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(System.out);
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a token for a workspace; prints it once.")
    static final class Create implements Callable<Integer> {
      @CommandLine.Mixin
      Remote remote = new Remote();

      @Parameters(paramLabel = "WORKSPACE_ID")
      String id;

      @Override
      public Integer call() {
        return remote.client().send("POST", "/admin/workspaces/" + AdminClient.path(id) + "/tokens", "{}");
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a workspace's tokens (ids and prefixes, never the tokens).")
    static final class ListCmd implements Callable<Integer> {
      @CommandLine.Mixin
      Remote remote = new Remote();

      @Parameters(paramLabel = "WORKSPACE_ID")
      String id;

      @Override
      public Integer call() {
        return remote.client().send("GET", "/admin/workspaces/" + AdminClient.path(id) + "/tokens", null);
      }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a workspace token.")
    static final class Revoke implements Callable<Integer> {
      @CommandLine.Mixin
      Remote remote = new Remote();

      @Parameters(index = "0", paramLabel = "WORKSPACE_ID")
      String id;

      @Parameters(index = "1", paramLabel = "TOKEN_ID")
      String tokenId;

      @Override
      public Integer call() {
        return remote.client().send("DELETE", "/admin/workspaces/" + AdminClient.path(id) + "/tokens/" + AdminClient.path(tokenId), null);
      }
    }
  }

  @Command(name = "settings", mixinStandardHelpOptions = true, description = "Print the settings table (Markdown, as in the README).")
  static final class SettingsCmd implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.print(Settings.markdownTable());
      return ExitCodes.OK;
    }
  }

  static List<Setting> settings() {
    return Settings.SERVE;
  }
}
