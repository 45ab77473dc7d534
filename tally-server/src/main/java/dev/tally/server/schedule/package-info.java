/**
 * The periodic work of a running Tally — readiness, the healer, the verifier, snapshots, oplog
 * pruning, lease renewal — on one scheduler whose tasks are never silently dead: a task that throws
 * is logged and runs again at its next time, and /metrics shows each task's last run and last
 * failure.
 */
package dev.tally.server.schedule;
