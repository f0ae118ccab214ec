package io.adaptstream.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The architecture of a {@link VisionLanguageModel}: everything needed to rebuild it before loading its weights.
 *
 * <p>A checkpoint stores only parameters, so the config travels with it (as JSON in {@link CheckpointRef} and in
 * the checkpoint header) and must match exactly. Images of any size are resized (bilinear) to
 * {@code imageSize}² and cut by a 3×3 convolution ({@code convChannels}, ReLU) followed by a
 * {@code patchSize}-strided {@code patchSize}×{@code patchSize} convolution into
 * {@code (imageSize / patchSize)²} prefix tokens per image. At most {@code maxImages} images per sample are used.
 *
 * <p>{@code sketchLayer} is the decoder layer whose MLP input weights (fc1) give the per-sample gradient sketch
 * and whose output gives the embedding; it defaults to a middle layer ({@code layers / 2}). {@code sketchDim}
 * must be a perfect square: the Kronecker projection has two square factors of {@code sqrt(sketchDim)} columns.
 *
 * @param imageSize side of the square model input in pixels
 * @param convChannels channels of the 3×3 stem convolution
 * @param patchSize side and stride of the patch convolution
 * @param maxImages image slots per sample; further images are dropped
 * @param dModel hidden size
 * @param layers decoder layers
 * @param heads attention heads
 * @param ffn MLP hidden size
 * @param maxTextTokens text positions, specials included
 * @param sketchLayer 0-based decoder layer for gradient sketches and embeddings
 * @param sketchDim length of a gradient sketch (a perfect square)
 * @param projectionSeed seed of the sketch projection factors
 */
public record ModelConfig(
    int imageSize,
    int convChannels,
    int patchSize,
    int maxImages,
    int dModel,
    int layers,
    int heads,
    int ffn,
    int maxTextTokens,
    int sketchLayer,
    int sketchDim,
    long projectionSeed) {

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  public ModelConfig {
    require(imageSize >= 1 && patchSize >= 1 && imageSize % patchSize == 0,
        "imageSize (" + imageSize + ") must be a positive multiple of patchSize (" + patchSize + ")");
    require(convChannels >= 1, "convChannels must be >= 1");
    require(maxImages >= 0, "maxImages must be >= 0");
    require(dModel >= 1 && heads >= 1 && dModel % heads == 0,
        "dModel (" + dModel + ") must be a positive multiple of heads (" + heads + ")");
    require(layers >= 1, "layers must be >= 1");
    require(ffn >= 1, "ffn must be >= 1");
    require(maxTextTokens >= 4, "maxTextTokens must be >= 4 (BOS, SEP, one answer token, EOS)");
    require(sketchLayer >= 0 && sketchLayer < layers,
        "sketchLayer (" + sketchLayer + ") must be in [0, " + layers + ")");
    int side = (int) Math.round(Math.sqrt(sketchDim));
    require(sketchDim >= 1 && side * side == sketchDim, "sketchDim (" + sketchDim + ") must be a perfect square");
  }

  /** The default: trains on two CPU cores in minutes (≈1.1 M parameters). */
  public static ModelConfig cpu() {
    return new ModelConfig(32, 32, 8, 3, 128, 4, 4, 512, 128, 2, 256, 1234L);
  }

  /** A larger model for machines with an accelerator (64 px images, 64 prefix tokens each, 6 layers of 256). */
  public static ModelConfig gpu() {
    return new ModelConfig(64, 64, 8, 3, 256, 6, 8, 1024, 256, 3, 1024, 1234L);
  }

  /** Prefix tokens one image becomes. */
  public int tokensPerImage() {
    int grid = imageSize / patchSize;
    return grid * grid;
  }

  /** Side of each square Kronecker factor ({@code sqrt(sketchDim)}). */
  public int sketchSide() {
    return (int) Math.round(Math.sqrt(sketchDim));
  }

  public ModelConfig withMaxTextTokens(int value) {
    return new ModelConfig(imageSize, convChannels, patchSize, maxImages, dModel, layers, heads, ffn, value,
        sketchLayer, sketchDim, projectionSeed);
  }

  public ModelConfig withMaxImages(int value) {
    return new ModelConfig(imageSize, convChannels, patchSize, value, dModel, layers, heads, ffn, maxTextTokens,
        sketchLayer, sketchDim, projectionSeed);
  }

  public ModelConfig withProjectionSeed(long value) {
    return new ModelConfig(imageSize, convChannels, patchSize, maxImages, dModel, layers, heads, ffn, maxTextTokens,
        sketchLayer, sketchDim, value);
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write model config as JSON", e);
    }
  }

  /** Parses {@link #toJson()} output; every field is required and unknown fields are refused. */
  public static ModelConfig fromJson(String json) {
    if (json == null || json.isBlank()) {
      throw new IllegalArgumentException("model config JSON is empty");
    }
    try {
      return JSON.readValue(json, ModelConfig.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid model config JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("invalid model config: " + message);
    }
  }
}
