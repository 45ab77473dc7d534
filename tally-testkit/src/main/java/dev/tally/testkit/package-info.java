/**
 * What the tests of every module share: the contract suites each store and index must pass
 * (StoreContract, IndexContract), where the test servers are (TestServers), and a TCP proxy for
 * cutting the network (TcpProxy).
 */
package dev.tally.testkit;
