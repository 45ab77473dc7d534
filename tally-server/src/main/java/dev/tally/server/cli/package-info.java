/**
 * The CLI's commands beyond serve: workspaces and tokens, import and export, status, rebuild,
 * snapshot, restore, backup, verify, plan, apply and doctor, against a running Tally or a stopped
 * data directory, with progress bars and documented exit codes.
 */
package dev.tally.server.cli;
