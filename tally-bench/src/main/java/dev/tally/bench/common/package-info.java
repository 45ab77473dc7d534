/**
 * What every benchmark shares: the one option parser, Tally in process, the space a run owns on the
 * shared servers, percentiles, the Markdown report and its tables, and CPU by thread group and by
 * process.
 */
package dev.tally.bench.common;
