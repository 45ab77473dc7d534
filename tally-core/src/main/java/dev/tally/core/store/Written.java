package dev.tally.core.store;

/**
 * The result of a durable write and the oplog position it reached (the head if it changed nothing).
 */
public record Written<T>(T value, long position) {}
