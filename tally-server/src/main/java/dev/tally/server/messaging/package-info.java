/**
 * The sender: claims due sends from the store, runs the final check on the store's current
 * document, delivers through the channels of tally-messaging and records each outcome through the
 * one door (docs/messaging.md, "The path of one send"). The only package of the server that speaks
 * to a channel (ArchitectureTest).
 */
package dev.tally.server.messaging;
