/**
 * The trainer service: fine-tunes the model on each step's selection, evaluates it and publishes the new model
 * version and its evaluation, exactly once per step.
 *
 * <p>Settings are in {@link io.adaptstream.trainer.TrainerConfig}.
 */
package io.adaptstream.trainer;
