/**
 * Settings declared once (name, type, default, description, environment variable), resolved from
 * flags and the environment, feeding --help and the README's table (a test fails on drift).
 */
package dev.tally.server.config;
