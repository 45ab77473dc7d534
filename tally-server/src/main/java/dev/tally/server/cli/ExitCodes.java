package dev.tally.server.cli;

/** The CLI's exit codes, the same for every command. */
public final class ExitCodes {
  public static final int OK = 0;

  /** The command ran and found a problem: not ready, differences, rejected lines. */
  public static final int PROBLEM = 1;

  /** Bad usage or configuration. */
  public static final int USAGE = 2;

  /** Could not reach or open Tally. */
  public static final int UNREACHABLE = 3;

  private ExitCodes() {}
}
