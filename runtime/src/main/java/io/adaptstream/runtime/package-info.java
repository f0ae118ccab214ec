/**
 * The services' exactly-once Kafka client code, owned once: creating the catalogue's topics ({@link
 * io.adaptstream.runtime.TopicAdmin}), reading a topic to its end read_committed ({@link
 * io.adaptstream.runtime.TopicReader}), the release table ({@link io.adaptstream.runtime.ReleaseTable}) and the
 * factory of transactional producers that tests replace with a failing one ({@link
 * io.adaptstream.runtime.ProducerFactory}).
 *
 * <p>Why a module of its own: ingest, scoring, the trainer and the command line each wrote these before, with small
 * differences in isolation, timeouts and what happens to an unreadable record. Here there is one version, with the
 * strictest of those behaviours, between {@code schemas} (the records and the catalogue, which it depends on) and
 * the services (which depend on it). It imports no service package.
 */
package io.adaptstream.runtime;
