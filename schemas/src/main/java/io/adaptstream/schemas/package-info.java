/**
 * The contract between the services: the topic catalogue (every topic name, in one place), the topics' Avro
 * record types (generated into {@code io.adaptstream.avro}), dead letters and their reasons.
 *
 * <p>Every service depends on this module and on none of the others, so a topic or record changes here only.
 */
package io.adaptstream.schemas;
