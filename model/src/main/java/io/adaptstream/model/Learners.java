package io.adaptstream.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adaptstream.blob.BlobStore;
import java.io.IOException;
import java.util.Objects;

/**
 * Makes the {@link Learner} a {@link LearnerConfig} names, and loads checkpoints only into a learner of their
 * own kind.
 *
 * <p>A checkpoint's kind is read from the config JSON recorded with it: a JSON object with a {@code "kind"} field
 * names its kind; the built-in model's {@link ModelConfig} JSON (recorded before learners existed) has none and
 * is {@code builtin}, so old records still load.
 */
public final class Learners {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Learners() {}

  /**
   * The first version of a model: for {@code builtin} a freshly initialised {@link VisionLanguageModel} of
   * {@code architecture} from {@code seed}; for {@code torchscript} the module file (its weights are the user's;
   * {@code architecture} and {@code seed} are not used).
   */
  public static Learner create(LearnerConfig learner, ModelConfig architecture, long seed, ComputeDevice device)
      throws IOException {
    Objects.requireNonNull(learner, "learner");
    return switch (learner.kind()) {
      case BUILTIN -> new BuiltinLearner(VisionLanguageModel.create(architecture, seed, device));
      case TORCHSCRIPT -> TorchScriptLearner.open(learner, device);
    };
  }

  /**
   * Loads the checkpoint {@code sha256} recorded with {@code configJson} for a service configured with
   * {@code learner}; throws {@link IllegalStateException} when the checkpoint belongs to another kind.
   */
  public static Learner load(LearnerConfig learner, BlobStore blobs, String sha256, String configJson,
      ComputeDevice device) throws IOException {
    LearnerConfig.Kind kind = kindOf(configJson);
    if (kind != learner.kind()) {
      throw new IllegalStateException("checkpoint " + sha256 + " belongs to a " + kind.id() + " model but this "
          + "service is configured with " + LearnerConfig.KIND + "=" + learner.kind().id());
    }
    return switch (kind) {
      case BUILTIN -> new BuiltinLearner(VisionLanguageModel.load(blobs, sha256, configJson, device));
      case TORCHSCRIPT -> TorchScriptLearner.load(blobs, sha256, configJson, device);
    };
  }

  /** The kind of learner a recorded config JSON belongs to. */
  public static LearnerConfig.Kind kindOf(String configJson) {
    JsonNode node;
    try {
      node = JSON.readTree(configJson == null ? "" : configJson);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("model config is not JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("model config is not a JSON object: " + configJson);
    }
    JsonNode kind = node.get("kind");
    return kind == null ? LearnerConfig.Kind.BUILTIN : LearnerConfig.Kind.parse(kind.asText());
  }
}
