package dev.tally.server;

import dev.tally.server.cli.AdminOps;
import dev.tally.server.cli.ExitCodes;
import dev.tally.server.cli.ImportExport;
import dev.tally.server.cli.LocalAdmin;
import dev.tally.server.cli.Plans;
import dev.tally.server.cli.Rebuilds;
import dev.tally.server.cli.RemoteAdmin;
import dev.tally.server.cli.Status;
import dev.tally.server.cli.TallyClient;
import dev.tally.server.cli.Verifications;
import dev.tally.server.config.Config;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import dev.tally.server.wiring.DataDir;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code tally} command line. Exit codes: 0 success, 1 found a problem, 2 bad usage or
 * configuration, 3 could not reach Tally.
 */
@Command(
    name = "tally",
    mixinStandardHelpOptions = true,
    version = "tally 0.1.0",
    description =
        "Tally: a self-hosted customer data and messaging core with an Intercom-shaped API.",
    subcommands = {
      Main.Serve.class,
      Main.WorkspaceCmd.class,
      Main.TokenCmd.class,
      Main.AdminCmd.class,
      Main.SubscriptionTypeCmd.class,
      Main.StatusCmd.class,
      Main.RebuildCmd.class,
      Main.VerifyCmd.class,
      Main.SnapshotCmd.class,
      Main.RestoreCmd.class,
      Main.PlanCmd.class,
      Main.ApplyCmd.class,
      Main.ImportCmd.class,
      Main.ExportCmd.class,
      Main.BackupCmd.class,
      dev.tally.server.cli.DoctorCommand.class,
      Main.SettingsCmd.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:ran and found a problem",
      "2:bad usage or configuration",
      "3:could not reach or open Tally"
    })
public final class Main implements Runnable {

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    CommandLine serve = cli.getSubcommands().get("serve");
    addSettings(serve, Settings.SERVE);
    for (String offline : List.of("rebuild", "verify", "status")) {
      addSettings(
          cli.getSubcommands().get(offline),
          offline.equals("status")
              ? java.util.stream.Stream.concat(
                      java.util.stream.Stream.of(Settings.DATA), Settings.BACKENDS.stream())
                  .toList()
              : Settings.BACKENDS);
    }
    serve
        .getCommandSpec()
        .usageMessage()
        .footer(
            "%nSettings without a flag: "
                + String.join(
                    ", ",
                    Settings.SERVE.stream()
                        .filter(s -> !s.flag())
                        .map(s -> s.env() + " (" + s.description() + ")")
                        .toList()));
    cli.setExitCodeExceptionMapper(e -> ExitCodes.USAGE);
    cli.setParameterExceptionHandler(
        (e, a) -> {
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

  /**
   * Adds an option for each setting that has a flag (its help says its environment variable and
   * default).
   */
  private static void addSettings(CommandLine command, List<Setting> settings) {
    for (Setting s : settings) {
      if (s.flag()) {
        command
            .getCommandSpec()
            .addOption(
                OptionSpec.builder(s.flagName())
                    .paramLabel(s.type() == Setting.Type.BOOLEAN ? "BOOL" : s.type().name())
                    .arity("1")
                    .type(String.class)
                    .description(
                        s.description()
                            + (s.choices().isEmpty()
                                ? ""
                                : " One of: " + String.join(", ", s.choices()) + ".")
                            + " Environment: "
                            + s.env()
                            + "."
                            + (s.defaultValue() == null
                                ? ""
                                : " Default: " + s.defaultValue() + "."))
                    .build());
      }
    }
  }

  /** The settings given as flags to {@code spec}'s command (those it has an option for). */
  static Map<Setting, String> flags(CommandSpec spec, List<Setting> settings) {
    Map<Setting, String> flags = new HashMap<>();
    for (Setting s : settings) {
      if (s.flag() && spec.findOption(s.flagName()) != null) {
        String v = spec.findOption(s.flagName()).getValue();
        if (v != null) {
          flags.put(s, v);
        }
      }
    }
    return flags;
  }

  /**
   * The store and index an offline command acts on, named as for {@code tally serve}: flags, else
   * the environment, else the defaults (SQLite and Lucene in {@code data}).
   */
  static Config offlineConfig(CommandSpec spec, Path data) {
    Map<Setting, String> flags = flags(spec, Settings.BACKENDS);
    if (data != null) {
      flags.put(Settings.DATA, data.toString());
    } else if (spec.findOption(Settings.DATA.flagName()) != null
        && spec.findOption(Settings.DATA.flagName()).getValue() != null) {
      flags.put(Settings.DATA, spec.findOption(Settings.DATA.flagName()).getValue());
    }
    try {
      return Config.resolve(flags, System::getenv);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "bad setting: " + e.getMessage());
    }
  }

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = "Serve the HTTP API with data in --data (default ./data).")
  static final class Serve implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Map<Setting, String> flags = flags(spec, Settings.SERVE);
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
        server = TallyServer.start(config, config.string(Settings.ADMIN_TOKEN), System.out);
      } catch (DataDir.InUseException e) {
        System.err.println("tally: " + e.getMessage());
        return ExitCodes.UNREACHABLE;
      } catch (Exception e) {
        System.err.println("tally: could not start: " + e.getMessage());
        org.slf4j.LoggerFactory.getLogger(Main.class).error("start-up failed", e);
        return ExitCodes.UNREACHABLE;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      // SIGTERM and SIGINT run shutdown hooks: drain in-flight requests, then close the store.
      Runtime.getRuntime()
          .addShutdownHook(
              Thread.ofPlatform()
                  .name("tally-shutdown")
                  .unstarted(
                      () -> {
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

  /**
   * Where an admin command acts: a running Tally (--url, admin token) or a stopped one (--data).
   */
  static final class Target {
    @Option(
        names = "--url",
        description =
            "A running Tally's URL. Environment: TALLY_URL. Default: http://127.0.0.1:7400.")
    String url;

    @Option(
        names = "--admin-token",
        description = "The admin token, with --url. Environment: TALLY_ADMIN_TOKEN.")
    String adminToken;

    @Option(
        names = "--data",
        paramLabel = "DIR",
        description = "Act on a stopped Tally's data directory instead of --url.")
    Path data;

    /** Runs {@code command} on the chosen target and returns its exit code. */
    int run(CommandSpec spec, Function<AdminOps, Integer> command) {
      if (data != null) {
        if (url != null) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "give --url or --data, not both");
        }
        try (LocalAdmin local = LocalAdmin.open(data)) {
          return command.apply(local);
        } catch (DataDir.InUseException e) {
          System.err.println("tally: " + e.getMessage());
          return ExitCodes.UNREACHABLE;
        } catch (IOException | RuntimeException e) {
          System.err.println("tally: could not open " + data + ": " + e.getMessage());
          return ExitCodes.UNREACHABLE;
        }
      }
      String u =
          url != null ? url : System.getenv().getOrDefault("TALLY_URL", "http://127.0.0.1:7400");
      String t = adminToken != null ? adminToken : System.getenv("TALLY_ADMIN_TOKEN");
      if (t == null || t.isBlank()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "the admin token is needed with --url: --admin-token or TALLY_ADMIN_TOKEN");
      }
      return command.apply(new RemoteAdmin(u, t));
    }
  }

  /** An admin command: parses its target, then runs one operation. */
  abstract static class AdminCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @CommandLine.Mixin Target target = new Target();

    abstract int run(AdminOps ops);

    @Override
    public Integer call() {
      return target.run(spec, this::run);
    }
  }

  /** An admin command that only a running Tally can carry out: --url, never --data. */
  abstract static class RunningTallyCommand extends AdminCommand {
    abstract int run(RemoteAdmin admin);

    /** Why --data does not do, for the usage error. */
    String needsUrl() {
      return "this works on a running Tally: give --url";
    }

    @Override
    final int run(AdminOps ops) {
      return run((RemoteAdmin) ops);
    }

    @Override
    public Integer call() {
      if (target.data != null) {
        throw new CommandLine.ParameterException(spec.commandLine(), needsUrl());
      }
      return super.call();
    }
  }

  @Command(
      name = "workspace",
      mixinStandardHelpOptions = true,
      description = "Create, list and delete workspaces.",
      subcommands = {
        WorkspaceCmd.Create.class,
        WorkspaceCmd.ListCmd.class,
        WorkspaceCmd.Delete.class,
        WorkspaceCmd.TimeZone.class
      })
  static final class WorkspaceCmd implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(System.out);
    }

    @Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description = "Create a workspace; prints its id and first token.")
    static final class Create extends AdminCommand {
      @Parameters(paramLabel = "NAME")
      String name;

      @Override
      int run(AdminOps ops) {
        return ops.createWorkspace(name);
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List workspaces.")
    static final class ListCmd extends AdminCommand {
      @Override
      int run(AdminOps ops) {
        return ops.listWorkspaces();
      }
    }

    @Command(
        name = "delete",
        mixinStandardHelpOptions = true,
        description = "Delete a workspace and everything in it.")
    static final class Delete extends AdminCommand {
      @Parameters(paramLabel = "WORKSPACE_ID")
      String id;

      @Override
      int run(AdminOps ops) {
        return ops.deleteWorkspace(id);
      }
    }

    @Command(
        name = "time-zone",
        mixinStandardHelpOptions = true,
        description =
            "Set a workspace's time zone (an IANA name such as Europe/Paris): campaigns' quiet"
                + " hours fall back to it for contacts without custom_attributes.time_zone.")
    static final class TimeZone extends AdminCommand {
      @Parameters(index = "0", paramLabel = "WORKSPACE_ID")
      String id;

      @Parameters(index = "1", paramLabel = "ZONE")
      String zone;

      @Override
      int run(AdminOps ops) {
        return ops.setTimeZone(id, zone);
      }
    }
  }

  @Command(
      name = "subscription-type",
      mixinStandardHelpOptions = true,
      description =
          "Create and list a workspace's subscription types (Intercom's: GET /subscription_types;"
              + " a campaign's subscription_type_id).",
      subcommands = {SubscriptionTypeCmd.Create.class, SubscriptionTypeCmd.ListCmd.class})
  static final class SubscriptionTypeCmd implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(System.out);
    }

    @Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description = "Create a subscription type; prints it with its id.")
    static final class Create extends AdminCommand {
      @Parameters(paramLabel = "WORKSPACE_ID")
      String id;

      @Option(names = "--name", required = true, description = "Its name, shown to contacts.")
      String name;

      @Option(
          names = "--consent-type",
          required = true,
          description =
              "opt_in (messages go only to contacts who opted in) or opt_out (they go unless the"
                  + " contact opted out).")
      String consentType;

      @Option(names = "--description", description = "What it is about (default: empty).")
      String description;

      @Option(
          names = "--content-type",
          description = "email or sms_message; repeat for both (default: email).")
      List<String> contentTypes;

      @Option(names = "--state", description = "live (default), draft or archived.")
      String state;

      @Override
      int run(AdminOps ops) {
        return ops.createSubscriptionType(
            id,
            new dev.tally.server.cli.SubscriptionTypeBody(
                name, consentType, description, contentTypes, state));
      }
    }

    @Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = "List a workspace's subscription types.")
    static final class ListCmd extends AdminCommand {
      @Parameters(paramLabel = "WORKSPACE_ID")
      String id;

      @Override
      int run(AdminOps ops) {
        return ops.listSubscriptionTypes(id);
      }
    }
  }

  @Command(
      name = "token",
      mixinStandardHelpOptions = true,
      description = "Rotate workspace tokens: create a new one, then revoke the old.",
      subcommands = {TokenCmd.Create.class, TokenCmd.ListCmd.class, TokenCmd.Revoke.class})
  static final class TokenCmd implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(System.out);
    }

    @Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description = "Create a token for a workspace; prints it once.")
    static final class Create extends AdminCommand {
      @Parameters(paramLabel = "WORKSPACE_ID")
      String id;

      @Option(
          names = "--admin-id",
          paramLabel = "ADMIN_ID",
          description =
              "The teammate the token acts for (GET /me answers with it); without it the token acts as the workspace's app.")
      String adminId;

      @Override
      int run(AdminOps ops) {
        return ops.createToken(id, adminId);
      }
    }

    @Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = "List a workspace's tokens (ids and prefixes, never the tokens).")
    static final class ListCmd extends AdminCommand {
      @Parameters(paramLabel = "WORKSPACE_ID")
      String id;

      @Override
      int run(AdminOps ops) {
        return ops.listTokens(id);
      }
    }

    @Command(
        name = "revoke",
        mixinStandardHelpOptions = true,
        description = "Revoke a workspace token.")
    static final class Revoke extends AdminCommand {
      @Parameters(index = "0", paramLabel = "WORKSPACE_ID")
      String id;

      @Parameters(index = "1", paramLabel = "TOKEN_ID")
      String tokenId;

      @Override
      int run(AdminOps ops) {
        return ops.revokeToken(id, tokenId);
      }
    }
  }

  @Command(
      name = "admin",
      mixinStandardHelpOptions = true,
      description =
          "Create, list and delete a workspace's teammates (Intercom's admins: GET /admins, /me, owner_id).",
      subcommands = {AdminCmd.Create.class, AdminCmd.ListCmd.class, AdminCmd.Delete.class})
  static final class AdminCmd implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(System.out);
    }

    @Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description = "Add a teammate to a workspace; prints it with its id.")
    static final class Create extends AdminCommand {
      @Parameters(paramLabel = "WORKSPACE_ID")
      String id;

      @Option(names = "--name", required = true, description = "The teammate's name.")
      String name;

      @Option(
          names = "--email",
          required = true,
          description = "The teammate's email, unique in the workspace ignoring case.")
      String email;

      @Override
      int run(AdminOps ops) {
        return ops.createAdmin(id, name, email);
      }
    }

    @Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = "List a workspace's teammates.")
    static final class ListCmd extends AdminCommand {
      @Parameters(paramLabel = "WORKSPACE_ID")
      String id;

      @Override
      int run(AdminOps ops) {
        return ops.listAdmins(id);
      }
    }

    @Command(
        name = "delete",
        mixinStandardHelpOptions = true,
        description =
            "Delete a teammate; refused (exit 1) while it owns contacts or a token acts for it.")
    static final class Delete extends AdminCommand {
      @Parameters(index = "0", paramLabel = "WORKSPACE_ID")
      String id;

      @Parameters(index = "1", paramLabel = "ADMIN_ID")
      String adminId;

      @Override
      int run(AdminOps ops) {
        return ops.deleteAdmin(id, adminId);
      }
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Say, in plain words, whether a running Tally is ready and why not: index lag, counts per workspace, and whether messaging delivers, is paused or holds sends and why. With "
              + "--offline, the same for a stopped Tally's store and index, named by the settings below as for tally serve.")
  static final class StatusCmd implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--url",
        description =
            "A running Tally's URL. Environment: TALLY_URL. Default: http://127.0.0.1:7400.")
    String url;

    @Option(
        names = "--offline",
        description = "Examine a stopped Tally's store and index instead of asking a running one.")
    boolean offline;

    @Override
    public Integer call() {
      if (offline) {
        if (url != null) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "give --url or --offline, not both");
        }
        return Status.offline(offlineConfig(spec, null));
      }
      String u =
          url != null ? url : System.getenv().getOrDefault("TALLY_URL", "http://127.0.0.1:7400");
      return Status.print(new TallyClient(u, "-"), u);
    }
  }

  @Command(
      name = "rebuild",
      mixinStandardHelpOptions = true,
      description =
          "Rebuild the search index from the store into a new generation beside the serving one, then switch to it.")
  static final class RebuildCmd implements Callable<Integer> {
    @Spec CommandSpec spec;

    @CommandLine.Mixin Target target = new Target();

    @Option(
        names = "--offline",
        description =
            "Act on a stopped Tally's store and index, named by the settings below as for "
                + "tally serve (also implied by --data).")
    boolean offline;

    @Override
    public Integer call() {
      if (target.data != null || offline) {
        return Rebuilds.offline(offlineConfig(spec, target.data));
      }
      return target.run(spec, ops -> Rebuilds.online((RemoteAdmin) ops));
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Compare every contact's (id, version) in the store with the index, by digests of id ranges; exit 0 only when "
              + "they agree. --repair (with --url) re-applies the differing contacts from the store. With --data: read-only, on the data "
              + "directory of a Tally that may be serving it.")
  static final class VerifyCmd implements Callable<Integer> {
    @Spec CommandSpec spec;

    @CommandLine.Mixin Target target = new Target();

    @Option(
        names = "--repair",
        description = "Re-apply the differing contacts through the projector (needs --url).")
    boolean repair;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(
        names = "--offline",
        description =
            "Read the store and index named by the settings below, as for tally serve "
                + "(also implied by --data); read-only, also beside a Tally serving them.")
    boolean offline;

    @Override
    public Integer call() {
      if (target.data != null || offline) {
        if (repair) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "--repair needs a running Tally (--url): --offline is read-only");
        }
        return Verifications.offline(offlineConfig(spec, target.data), json, System.out);
      }
      return target.run(
          spec, ops -> Verifications.online((RemoteAdmin) ops, repair, json, System.out));
    }
  }

  @Command(
      name = "snapshot",
      mixinStandardHelpOptions = true,
      description =
          "Take a snapshot of a running Tally's Lucene index now (into --snapshot-dir), or list the snapshots kept.")
  static final class SnapshotCmd extends RunningTallyCommand {
    @Option(names = "--list", description = "List the snapshots kept instead of taking one.")
    boolean list;

    @Override
    int run(RemoteAdmin admin) {
      return admin
          .client()
          .send(list ? "GET" : "POST", "/admin/index/snapshots", list ? null : "{}");
    }
  }

  @Command(
      name = "restore",
      mixinStandardHelpOptions = true,
      description =
          "Heal a running Tally's index by hand: restore the newest intact snapshot that the oplog's retention still "
              + "covers and replay the oplog from it, or rebuild from the store when there is none; then switch to it.")
  static final class RestoreCmd extends RunningTallyCommand {
    @Override
    String needsUrl() {
      return "restore works on a running Tally (--url); a stopped one heals its index when it starts";
    }

    @Override
    int run(RemoteAdmin admin) {
      return Rebuilds.restore(admin);
    }
  }

  @Command(
      name = "plan",
      mixinStandardHelpOptions = true,
      description =
          "Show what it takes to bring a running Tally's index to the layout this Tally writes: every step, the "
              + "destructive ones marked. Changes nothing.")
  static final class PlanCmd extends RunningTallyCommand {
    @Override
    int run(RemoteAdmin admin) {
      return Plans.plan(admin, System.out);
    }
  }

  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description =
          "Carry out the plan, create before destroy: a new generation with the new layout, filled, caught up and "
              + "checked beside the serving one, then switched to. A failure leaves the serving index as it was.")
  static final class ApplyCmd extends RunningTallyCommand {
    @Override
    int run(RemoteAdmin admin) {
      return Plans.apply(admin, System.out);
    }
  }

  /** Options of commands that act on one workspace of a running Tally. */
  static final class WorkspaceTarget {
    @Option(
        names = "--url",
        description =
            "A running Tally's URL. Environment: TALLY_URL. Default: http://127.0.0.1:7400.")
    String url;

    @Option(names = "--token", description = "The workspace token. Environment: TALLY_TOKEN.")
    String token;

    TallyClient client(CommandSpec spec) {
      String u =
          url != null ? url : System.getenv().getOrDefault("TALLY_URL", "http://127.0.0.1:7400");
      String t = token != null ? token : System.getenv("TALLY_TOKEN");
      if (t == null || t.isBlank()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "the workspace token is needed: --token or TALLY_TOKEN");
      }
      return new TallyClient(u, t);
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description =
          "Load contacts from NDJSON (one contact per line), upserting by external_id; exit 1 if any line was rejected.")
  static final class ImportCmd implements Callable<Integer> {
    @Spec CommandSpec spec;

    @CommandLine.Mixin WorkspaceTarget target = new WorkspaceTarget();

    @Parameters(paramLabel = "FILE.ndjson")
    Path file;

    @Override
    public Integer call() {
      return ImportExport.importFile(target.client(spec), file);
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = "Write the workspace's contacts as NDJSON (to FILE, or standard output).")
  static final class ExportCmd implements Callable<Integer> {
    @Spec CommandSpec spec;

    @CommandLine.Mixin WorkspaceTarget target = new WorkspaceTarget();

    @Parameters(paramLabel = "FILE", arity = "0..1")
    Path file;

    @Override
    public Integer call() {
      return ImportExport.export(target.client(spec), file);
    }
  }

  @Command(
      name = "backup",
      mixinStandardHelpOptions = true,
      description =
          "Take a consistent online copy of the store (SQLite's backup API), also while a Tally serves --data.")
  static final class BackupCmd implements Callable<Integer> {
    @Option(
        names = "--data",
        paramLabel = "DIR",
        required = true,
        description = "The data directory whose store to copy.")
    Path data;

    @Parameters(
        paramLabel = "OUT",
        description = "Where to write the copy (a SQLite file; restore it as <data>/tally.db).")
    Path out;

    @Override
    public Integer call() {
      try {
        dev.tally.server.wiring.Engines.backupSqlite(data, out);
        System.err.println(
            "backed up "
                + data.resolve("tally.db")
                + " to "
                + out
                + "; to restore, put it at <data>/tally.db of a "
                + "stopped Tally (the index is rebuilt from it on start)");
        return ExitCodes.OK;
      } catch (dev.tally.core.TallyException e) {
        System.err.println("tally: " + e.getMessage());
        return e.kind() == dev.tally.core.TallyException.Kind.BAD_REQUEST
            ? ExitCodes.USAGE
            : ExitCodes.UNREACHABLE;
      }
    }
  }

  @Command(
      name = "settings",
      mixinStandardHelpOptions = true,
      description = "Print the settings table (Markdown, as in the README).")
  static final class SettingsCmd implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.print(Settings.markdownTable());
      return ExitCodes.OK;
    }
  }
}
