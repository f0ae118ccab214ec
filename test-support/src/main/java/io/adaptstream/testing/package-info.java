/**
 * Test fixtures shared by the modules' integration tests: one real KRaft broker and schema registry per test JVM
 * ({@link io.adaptstream.testing.KafkaBrokerExtension}), poison records to inject into topics, and a producer
 * that dies mid-transaction ({@link io.adaptstream.testing.DyingProducer}) for the exactly-once tests.
 *
 * <p>A main (not test) source set so other modules can depend on it with test scope.
 */
package io.adaptstream.testing;
