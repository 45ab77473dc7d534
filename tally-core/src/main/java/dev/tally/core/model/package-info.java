/**
 * The data model: contacts with their standard fields and typed custom attributes, the patches that
 * change them (parsed and validated here, typed against the workspace's data attributes inside the
 * write transaction), events and their summaries, data attributes, oplog entries, workspaces and
 * tokens.
 */
package dev.tally.core.model;
