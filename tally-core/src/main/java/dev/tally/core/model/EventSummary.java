package dev.tally.core.model;

/**
 * Per contact and event name: how often, first and last time (Unix seconds). Kept in the write
 * transaction.
 */
public record EventSummary(String name, long count, long first, long last) {}
