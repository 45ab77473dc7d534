/**
 * Tokens (256 random bits, stored as SHA-256 only) and provisioning of workspaces and tokens on
 * first start.
 */
package dev.tally.server.auth;
