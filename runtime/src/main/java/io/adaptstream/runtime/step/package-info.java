/**
 * The step protocol's barrier rule ({@code docs/architecture.md}, "The step protocol"), Kafka-free: when a reader
 * holds every source's marker of a step and whether the data it counted adds up to them.
 *
 * <p>A package of its own, with no Kafka in it, so that the rule is tested alone and the two readers that apply it
 * (the selector's stores, the trainer's step assembler) cannot drift apart.
 */
package io.adaptstream.runtime.step;
