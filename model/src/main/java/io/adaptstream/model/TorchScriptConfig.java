package io.adaptstream.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adaptstream.blob.Sha256;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What a {@link TorchScriptLearner} checkpoint is loaded with: the module's layout (read from its
 * {@code adapt.json} extra file when the module is first opened), which parameters are trained, and the sketch
 * projection. It travels as JSON next to the checkpoint's hash, like {@link ModelConfig} for the built-in model;
 * the {@code kind} field is what tells the two apart.
 *
 * @param kind always {@code torchscript}
 * @param imageSize side of the square images the module takes (pixels, channel-first, in [-1, 1])
 * @param maxImages image slots per sample; further images are dropped
 * @param maxTextTokens text positions the module accepts, specials included
 * @param vocabSize the module's vocabulary; 260 for the byte tokenizer, the tokenizer's otherwise
 * @param trainable pattern over parameter names (full match) of the parameters fine-tuned
 * @param tokenizer {@link LearnerConfig#BYTE_TOKENIZER}, or {@value HfTokenizer#KIND} for a Hugging Face
 *     tokenizer, whose file the checkpoint carries
 * @param tokenizerSha256 the sha256 of that tokenizer.json's bytes; null, and left out of the JSON, for the
 *     byte tokenizer (so configs written before tokenizers existed read as byte, and byte configs stay as they
 *     were)
 * @param sketchDim length of a gradient sketch (a perfect square)
 * @param projectionSeed seed of the sketch's Kronecker projection factors
 */
public record TorchScriptConfig(String kind, int imageSize, int maxImages, int maxTextTokens, int vocabSize,
    String trainable, String tokenizer, @JsonInclude(JsonInclude.Include.NON_NULL) String tokenizerSha256,
    int sketchDim, long projectionSeed) {

  private static final String TOKENIZER_SHA256 = "tokenizerSha256";

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  public TorchScriptConfig {
    require(LearnerConfig.Kind.TORCHSCRIPT.id().equals(kind), "kind must be torchscript, got " + kind);
    require(imageSize >= 1, "imageSize must be >= 1");
    require(maxImages >= 0, "maxImages must be >= 0");
    require(maxTextTokens >= 4, "maxTextTokens must be >= 4 (BOS, SEP, one answer token, EOS)");
    if (LearnerConfig.BYTE_TOKENIZER.equals(tokenizer)) {
      require(tokenizerSha256 == null, "the byte tokenizer has no tokenizerSha256");
      require(vocabSize == ByteTokenizer.VOCAB_SIZE, "vocabSize must be " + ByteTokenizer.VOCAB_SIZE
          + " for the byte tokenizer, got " + vocabSize);
    } else {
      require(HfTokenizer.KIND.equals(tokenizer), "tokenizer must be '" + LearnerConfig.BYTE_TOKENIZER + "' or '"
          + HfTokenizer.KIND + "', got " + tokenizer);
      require(tokenizerSha256 != null && Sha256.isHex(tokenizerSha256),
          "a " + HfTokenizer.KIND + " tokenizer needs its sha256 (64 lowercase hex digits), got " + tokenizerSha256);
      require(vocabSize >= 1, "vocabSize must be >= 1");
    }
    try {
      Pattern.compile(trainable);
    } catch (PatternSyntaxException | NullPointerException e) {
      throw new IllegalArgumentException("invalid torchscript config: trainable '" + trainable
          + "' is not a regular expression", e);
    }
    int side = (int) Math.round(Math.sqrt(sketchDim));
    require(sketchDim >= 1 && side * side == sketchDim, "sketchDim (" + sketchDim + ") must be a perfect square");
  }

  /**
   * The module's layout with {@code tokenizer} (the byte tokenizer or a loaded tokenizer.json) and the built-in
   * model's sketch size and projection seed.
   */
  static TorchScriptConfig of(ModuleLayout layout, LearnerConfig learner, TextTokenizer tokenizer) {
    ModelConfig reference = ModelConfig.cpu();
    String kind = tokenizer instanceof HfTokenizer ? HfTokenizer.KIND : LearnerConfig.BYTE_TOKENIZER;
    String sha = tokenizer instanceof HfTokenizer hf ? hf.sha256() : null;
    return new TorchScriptConfig(LearnerConfig.Kind.TORCHSCRIPT.id(), layout.image_size(), layout.max_images(),
        layout.max_text_tokens(), layout.vocab_size(), learner.trainable().pattern(), kind, sha,
        reference.sketchDim(), reference.projectionSeed());
  }

  /** Whether the module reads the byte tokenizer's ids. */
  boolean byteTokenizer() {
    return LearnerConfig.BYTE_TOKENIZER.equals(tokenizer);
  }

  /** The module's {@code adapt.json}: snake_case as Python writes it. */
  record ModuleLayout(int image_size, int max_images, int max_text_tokens, int vocab_size) {

    static ModuleLayout fromJson(String json) {
      try {
        return JSON.readValue(json, ModuleLayout.class);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("the module's adapt.json is invalid: " + e.getOriginalMessage(), e);
      }
    }
  }

  Pattern trainablePattern() {
    return Pattern.compile(trainable);
  }

  int sketchSide() {
    return (int) Math.round(Math.sqrt(sketchDim));
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write torchscript config as JSON", e);
    }
  }

  /**
   * Parses {@link #toJson()} output; every field is required except {@code tokenizerSha256} (absent for the byte
   * tokenizer), and unknown fields are refused.
   */
  public static TorchScriptConfig fromJson(String json) {
    if (json == null || json.isBlank()) {
      throw new IllegalArgumentException("torchscript config JSON is empty");
    }
    try {
      JsonNode tree = JSON.readTree(json);
      if (tree instanceof ObjectNode object && !object.has(TOKENIZER_SHA256)) {
        object.putNull(TOKENIZER_SHA256);
      }
      return JSON.treeToValue(tree, TorchScriptConfig.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid torchscript config JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("invalid torchscript config: " + message);
    }
  }
}
