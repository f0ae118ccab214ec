package io.adaptstream.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which {@link Learner} a service runs and the settings of that kind: the {@code model.*} keys.
 *
 * <p>The keys, their documentation, defaults and validation live here once, so that every service's config class
 * can include them (each {@link Key} carries what a Kafka {@code ConfigDef} entry needs) and all of them read the
 * same values the same way. The module itself reads no environment: {@link #from(Map)} takes the values a
 * service config has already collected.
 *
 * @param kind which implementation
 * @param path the TorchScript file the first version starts from ({@link Kind#TORCHSCRIPT} only); null for the
 *     built-in model, and may be null for a service that only loads checkpoints (they hold the whole module)
 * @param trainable parameters whose full name (as TorchScript's {@code named_parameters} spells it) matches this
 *     pattern are fine-tuned; the others stay frozen ({@link Kind#TORCHSCRIPT} only)
 * @param tokenizer how text becomes token ids: {@link #BYTE_TOKENIZER}, or the path of a Hugging Face
 *     {@code tokenizer.json} ({@link Kind#TORCHSCRIPT} only; the built-in model always reads bytes)
 */
public record LearnerConfig(Kind kind, Path path, Pattern trainable, String tokenizer) {

  public static final String KIND = "model.kind";
  public static final String PATH = "model.path";
  public static final String TRAINABLE_PATTERN = "model.trainable.pattern";
  public static final String TOKENIZER = "model.tokenizer";

  /** UTF-8 bytes plus four specials ({@link ByteTokenizer}); the module's vocabulary must be 260. */
  public static final String BYTE_TOKENIZER = "byte";
  /** Every parameter. */
  public static final String ALL_PARAMETERS = ".*";

  /** The implementations a config can name. */
  public enum Kind {
    /** {@link VisionLanguageModel}, the project's own small model. */
    BUILTIN,
    /** A user's TorchScript module run through DJL's PyTorch engine ({@link TorchScriptLearner}). */
    TORCHSCRIPT;

    /** The spelling in configs and checkpoint records. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code builtin} or {@code torchscript}, any case. */
    public static Kind parse(String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(KIND + " is empty (one of builtin, torchscript)");
      }
      for (Kind k : values()) {
        if (k.id().equals(value.trim().toLowerCase(Locale.ROOT))) {
          return k;
        }
      }
      throw new IllegalArgumentException(KIND + " '" + value + "' is not one of builtin, torchscript");
    }
  }

  /**
   * One config key as a service's config definition needs it: a string value, its default (null: none) and
   * documentation; {@link #validate(String, Object)} checks a single value.
   */
  public record Key(String name, String defaultValue, String doc) {}

  public static final List<Key> KEYS = List.of(
      new Key(KIND, "builtin", "Which model learns: 'builtin' (the project's own 1.1 M-parameter model) or "
          + "'torchscript' (a user's TorchScript vision-language module, see model/README.md)."),
      new Key(PATH, null, "The TorchScript module file (.pt) the first model version starts from; needed by the "
          + "service that creates version 0 when " + KIND + " is torchscript (checkpoints hold the whole module, so "
          + "services that only load them do not need it); ignored for builtin."),
      new Key(TRAINABLE_PATTERN, ALL_PARAMETERS, "Regular expression over the module's parameter names (full "
          + "match, e.g. '.*lora.*|lm_head\\..*'); matching parameters are fine-tuned, the rest stay frozen. "
          + "torchscript only."),
      new Key(TOKENIZER, BYTE_TOKENIZER, "How text becomes token ids: 'byte' (UTF-8 bytes, ids 0-255, then BOS "
          + "256, EOS 257, PAD 258, SEP 259) or the path of a Hugging Face tokenizer.json, read offline (BOS, EOS, PAD "
          + "and SEP found among its added tokens by the usual names: <s> </s> <unk>, <|begin_of_text|>, "
          + "<|endoftext|>, <pad>, ...; the module's vocab_size must equal the tokenizer's; checkpoints carry the "
          + "file). torchscript only."));

  public LearnerConfig {
    Objects.requireNonNull(kind, KIND);
    Objects.requireNonNull(trainable, TRAINABLE_PATTERN);
    Objects.requireNonNull(tokenizer, TOKENIZER);
    if (tokenizer.isBlank()) {
      throw new IllegalArgumentException(TOKENIZER + " is blank ('byte' or the path of a tokenizer.json)");
    }
    if (kind == Kind.BUILTIN && !BYTE_TOKENIZER.equals(tokenizer)) {
      throw new IllegalArgumentException(TOKENIZER + " '" + tokenizer + "' needs " + KIND + "=torchscript (the "
          + "built-in model reads bytes)");
    }
  }

  /** The built-in model (the default). */
  public static LearnerConfig builtin() {
    return new LearnerConfig(Kind.BUILTIN, null, Pattern.compile(ALL_PARAMETERS), BYTE_TOKENIZER);
  }

  /** A TorchScript module at {@code path}, fine-tuning the parameters whose names match {@code trainable}. */
  public static LearnerConfig torchScript(Path path, String trainable) {
    return new LearnerConfig(Kind.TORCHSCRIPT, path, compile(TRAINABLE_PATTERN, trainable), BYTE_TOKENIZER);
  }

  /** As {@link #torchScript(Path, String)} with the Hugging Face tokenizer.json at {@code tokenizer}. */
  public static LearnerConfig torchScript(Path path, String trainable, Path tokenizer) {
    HfTokenizer.checkFile(tokenizer);
    return new LearnerConfig(Kind.TORCHSCRIPT, path, compile(TRAINABLE_PATTERN, trainable), tokenizer.toString());
  }

  /** Whether text becomes UTF-8 bytes ({@link #BYTE_TOKENIZER}) rather than a tokenizer.json's ids. */
  public boolean byteTokenizer() {
    return BYTE_TOKENIZER.equals(tokenizer);
  }

  /** The tokenizer.json file; null for the byte tokenizer. */
  public Path tokenizerPath() {
    return byteTokenizer() ? null : Path.of(tokenizer);
  }

  /**
   * Reads the {@code model.*} keys from values a service config collected (absent keys take their defaults;
   * values may be any objects, their {@code toString} is read). Throws {@link IllegalArgumentException} naming
   * the key for a bad value.
   */
  public static LearnerConfig from(Map<String, ?> values) {
    Map<String, String> v = new LinkedHashMap<>();
    for (Key key : KEYS) {
      Object value = values.get(key.name());
      String s = value == null ? key.defaultValue() : value.toString();
      validate(key.name(), s);
      v.put(key.name(), s);
    }
    Kind kind = Kind.parse(v.get(KIND));
    String path = v.get(PATH);
    if (kind == Kind.TORCHSCRIPT && path != null && !Files.isRegularFile(Path.of(path))) {
      throw new IllegalArgumentException(PATH + " '" + path + "' is not a readable file");
    }
    String tokenizer = kind == Kind.TORCHSCRIPT ? v.get(TOKENIZER).trim() : BYTE_TOKENIZER;
    return new LearnerConfig(kind, kind == Kind.TORCHSCRIPT && path != null ? Path.of(path) : null,
        compile(TRAINABLE_PATTERN, v.get(TRAINABLE_PATTERN)), tokenizer);
  }

  /**
   * Checks one key's value on its own (what a {@code ConfigDef} validator calls); throws
   * {@link IllegalArgumentException} with the reason. Whether {@link #PATH} is required depends on
   * {@link #KIND}, which {@link #from(Map)} checks.
   */
  public static void validate(String name, Object value) {
    String s = value == null ? null : value.toString();
    switch (name) {
      case KIND -> Kind.parse(s);
      case PATH -> {
        if (s != null && s.isBlank()) {
          throw new IllegalArgumentException(PATH + " is blank");
        }
      }
      case TRAINABLE_PATTERN -> compile(name, s);
      case TOKENIZER -> {
        if (s == null || s.isBlank()) {
          throw new IllegalArgumentException(TOKENIZER + " is empty ('byte' or the path of a tokenizer.json)");
        }
        if (!BYTE_TOKENIZER.equals(s.trim())) {
          try {
            HfTokenizer.checkFile(Path.of(s.trim()));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(TOKENIZER + " must be 'byte' or the path of a Hugging Face "
                + "tokenizer.json: " + e.getMessage(), e);
          }
        }
      }
      default -> throw new IllegalArgumentException("not a model key: " + name);
    }
  }

  private static Pattern compile(String name, String regex) {
    if (regex == null || regex.isEmpty()) {
      throw new IllegalArgumentException(name + " is empty");
    }
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(name + " '" + regex + "' is not a regular expression: "
          + e.getDescription(), e);
    }
  }
}
