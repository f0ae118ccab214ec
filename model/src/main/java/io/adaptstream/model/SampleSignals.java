package io.adaptstream.model;

/**
 * What scoring learns about one sample from the current model.
 *
 * <p>Where these differ from the reference implementation of Adapt-∞ ({@code llava/grad_utils.py}):
 * <ul>
 *   <li>{@code perplexity} is {@code exp(mean NLL)} over the answer tokens, the paper's formula; the reference
 *       code averages per-token {@code exp(NLL)} instead (and the selector takes its log).
 *   <li>{@code entropy} averages over answer-token predictions only; the reference code averages over every
 *       position, prompt and image tokens included.
 *   <li>{@code grounding} compares the model with the sample's images hidden from the text (equivalently,
 *       absent) against the model with them; the reference code replaces the image by a zero tensor, which
 *       still feeds the model image tokens.
 *   <li>the gradient is that of one middle decoder layer's MLP input weights, exact per sample, projected by a
 *       Kronecker-factored Gaussian; the reference code uses LoRA gradients of the last layer and a Rademacher
 *       projection.
 * </ul>
 *
 * @param sketch per-sample gradient of the sketch layer's fc1 (weight and bias) of the sample's mean
 *     answer-token loss, Kronecker-projected to {@link ModelConfig#sketchDim()}, L2-normalised
 * @param embedding the sketch layer's output mean-pooled over content positions (shown image tokens and
 *     non-padding text), L2-normalised
 * @param perplexity {@code exp(mean NLL)} of the answer tokens
 * @param el2n mean over answer tokens of {@code ‖softmax − onehot(target)‖₂}
 * @param entropy mean over answer tokens of the predictive distribution's entropy (nats)
 * @param grounding {@code log PPL(without images) − log PPL(with images)}: positive when the images help;
 *     exactly 0 for samples without images
 * @param grand L2 norm of the unprojected per-sample gradient of the same parameters (GraNd)
 */
public record SampleSignals(float[] sketch, float[] embedding, double perplexity, double el2n, double entropy,
    double grounding, double grand) {}
