/**
 * One query language (Intercom's contact-search filter, extended), parsed to one AST and printed
 * back, with the reference evaluator over a single document (the final check) beside the Lucene and
 * OpenSearch compilers in their modules; property tests require the three to agree.
 */
package dev.tally.core.query;
