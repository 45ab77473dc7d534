/**
 * What the tests of every module share: the contract suites each store and index must pass
 * (StoreContract, IndexContract), where the test servers are (TestServers), a PostgreSQL of a
 * test's own (ThrowawaySchema on the test server, ThrowawayPostgres for a whole cluster, PgTools
 * for pg_dump and pg_restore), a TCP proxy for cutting the network (TcpProxy), and the one way to
 * wait for a condition (Await).
 */
package dev.tally.testkit;
