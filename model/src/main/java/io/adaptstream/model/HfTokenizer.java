package io.adaptstream.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adaptstream.blob.Sha256;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A Hugging Face {@code tokenizer.json} run through DJL's tokenizers library, whose jar carries the native library
 * (no download: {@link DjlRuntime#setOffline()} is set before it loads).
 *
 * <p>Why it exists: a user's TorchScript module is usually trained with a subword tokenizer, and its logits only
 * mean something with that tokenizer's ids. The file's bytes are kept (and hashed), so a checkpoint can carry the
 * exact tokenizer to another host.
 *
 * <p>Specials: the file's {@code added_tokens} marked {@code "special": true} (decoding skips them and generation
 * stops at them). The four the layout needs are found by their names among the added tokens, in the conventions of
 * the common model families ({@link #BOS_NAMES}, {@link #EOS_NAMES}, {@link #PAD_NAMES}, {@link #SEP_NAMES}: LLaMA
 * and LLaVA {@code <s>}/{@code </s>}, Llama 3 {@code <|begin_of_text|>}, GPT-2 {@code <|endoftext|>}, ...): a
 * missing PAD is the unknown token or else EOS, a missing SEP is EOS. Only where no BOS or EOS has a known name,
 * and the file has four specials or more, the first four by id are BOS, EOS, PAD and SEP; otherwise the file is
 * refused, naming its specials. The roles come from the file's bytes alone, so a checkpoint carrying the file
 * resolves them the same anywhere. Text is encoded without the tokenizer's own post-processing specials (the layout
 * adds BOS, SEP and EOS itself) and without truncation or padding.
 *
 * <p>Vocabulary size: one more than the largest id of the model's vocabulary and the added tokens.
 */
final class HfTokenizer implements TextTokenizer, AutoCloseable {

  /** The value {@link TorchScriptConfig#tokenizer()} records for a tokenizer of this kind. */
  static final String KIND = "tokenizer.json";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> OPTIONS = Map.of("addSpecialTokens", "false", "truncation", "false",
      "padding", "false");

  private final byte[] json;
  private final String sha256;
  private final HuggingFaceTokenizer tokenizer;
  private final int vocabSize;
  private final boolean[] special;
  private final int[] roles;
  private final List<String> specialTokens;

  private HfTokenizer(byte[] json, String sha256, HuggingFaceTokenizer tokenizer, int vocabSize, boolean[] special,
      int[] roles, List<String> specialTokens) {
    this.json = json;
    this.sha256 = sha256;
    this.tokenizer = tokenizer;
    this.vocabSize = vocabSize;
    this.special = special;
    this.roles = roles;
    this.specialTokens = specialTokens;
  }

  /** Reads and loads the file; {@code IllegalArgumentException} if it is not a usable tokenizer.json. */
  static HfTokenizer read(Path file) throws IOException {
    return of(Files.readAllBytes(file), file.toString());
  }

  /**
   * Loads a tokenizer.json from its bytes; {@code source} names it in error messages.
   *
   * @throws IllegalArgumentException if the bytes are not a tokenizer.json this learner can use
   */
  static HfTokenizer of(byte[] json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("tokenizer " + source + " is not JSON: " + e.getMessage(), e);
    }
    checkShape(root, source);
    int maxId = -1;
    JsonNode vocab = root.get("model").get("vocab");
    if (vocab.isObject()) {
      for (Iterator<JsonNode> it = vocab.elements(); it.hasNext();) {
        maxId = Math.max(maxId, it.next().asInt(-1));
      }
    } else {
      maxId = vocab.size() - 1;
    }
    // added tokens by content (the first of a content wins), and the special ones ordered by id
    Map<String, Integer> addedIds = new LinkedHashMap<>();
    TreeMap<Integer, String> specials = new TreeMap<>();
    for (JsonNode added : root.get("added_tokens")) {
      int id = added.path("id").asInt(-1);
      maxId = Math.max(maxId, id);
      if (id >= 0) {
        String content = added.path("content").asText();
        addedIds.putIfAbsent(content, id);
        if (added.path("special").asBoolean(false)) {
          specials.put(id, content);
        }
      }
    }
    int[] roles = roles(addedIds, specials, source);
    int vocabSize = maxId + 1;
    boolean[] special = new boolean[vocabSize];
    specials.keySet().forEach(id -> special[id] = true);
    for (int id : roles) {
      special[id] = true;
    }
    List<String> ordered = new ArrayList<>(specials.values());
    DjlRuntime.setOffline();
    HuggingFaceTokenizer tokenizer;
    try {
      tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), OPTIONS);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("tokenizer " + source + " cannot be loaded: " + e.getMessage(), e);
    }
    return new HfTokenizer(json.clone(), Sha256.hex(json), tokenizer, vocabSize, special, roles,
        List.copyOf(ordered));
  }

  /** Names of the BOS token across model families, most specific first. */
  static final List<String> BOS_NAMES = List.of("<s>", "<bos>", "<|bos|>", "<|begin_of_text|>", "<|startoftext|>",
      "<BOS>", "[BOS]", "<|endoftext|>");
  /** Names of the EOS token across model families, most specific first. */
  static final List<String> EOS_NAMES = List.of("</s>", "<eos>", "<|eos|>", "<|end_of_text|>", "<|endoftext|>",
      "<EOS>", "[EOS]", "<|im_end|>");
  /** Names of the padding token; else the unknown token ({@link #UNK_NAMES}), else EOS. */
  static final List<String> PAD_NAMES = List.of("<pad>", "<|pad|>", "[PAD]", "<PAD>", "<|finetune_right_pad_id|>");
  /** Names of the unknown token, the padding of tokenizers without one (LLaMA's, as LLaVA pads). */
  static final List<String> UNK_NAMES = List.of("<unk>", "[UNK]", "<UNK>", "<|unk|>");
  /** Names of the separator after a human turn; else EOS. */
  static final List<String> SEP_NAMES = List.of("<sep>", "<|sep|>", "[SEP]", "<SEP>");

  /**
   * BOS, EOS, PAD and SEP ids: by name, else by id order of the specials (four or more), else refused.
   *
   * @param added every added token's id by content
   * @param specials the special added tokens' contents by id
   */
  static int[] roles(Map<String, Integer> added, SortedMap<Integer, String> specials, String source) {
    Integer bos = named(added, BOS_NAMES);
    Integer eos = named(added, EOS_NAMES);
    if (bos == null || eos == null) {
      if (specials.size() >= 4) {
        int[] byId = new int[4];
        Iterator<Integer> ids = specials.keySet().iterator();
        for (int i = 0; i < 4; i++) {
          byId[i] = ids.next();
        }
        return byId;
      }
      throw new IllegalArgumentException("tokenizer " + source + " names no " + (bos == null ? "BOS" : "EOS")
          + " token among its added tokens " + added.keySet() + " (known names: BOS " + BOS_NAMES + ", EOS "
          + EOS_NAMES + ") and has " + specials.size() + " special added token(s), fewer than the four taken by id "
          + "as BOS, EOS, PAD, SEP; add the tokens your module was trained with to added_tokens under one of "
          + "those names");
    }
    Integer pad = named(added, PAD_NAMES);
    if (pad == null) {
      pad = named(added, UNK_NAMES);
    }
    Integer sep = named(added, SEP_NAMES);
    return new int[] {bos, eos, pad == null ? eos : pad, sep == null ? eos : sep};
  }

  private static Integer named(Map<String, Integer> added, List<String> names) {
    for (String name : names) {
      Integer id = added.get(name);
      if (id != null) {
        return id;
      }
    }
    return null;
  }

  private static void checkShape(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("tokenizer " + source + " is not a JSON object");
    }
    JsonNode model = root.get("model");
    if (model == null || !model.isObject() || !(model.path("vocab").isObject() || model.path("vocab").isArray())) {
      throw new IllegalArgumentException("tokenizer " + source + " has no model.vocab (not a tokenizer.json)");
    }
    if (!root.path("added_tokens").isArray()) {
      throw new IllegalArgumentException("tokenizer " + source + " has no added_tokens array");
    }
  }

  /**
   * Checks that {@code file} is a readable file holding a tokenizer.json's structure (a JSON object with
   * {@code model.vocab} and {@code added_tokens}) without loading the native library: what config validation
   * can afford.
   */
  static void checkFile(Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException("tokenizer '" + file + "' is not a readable file");
    }
    try {
      checkShape(JSON.readTree(file.toFile()), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("tokenizer '" + file + "' is not JSON: " + e.getMessage(), e);
    }
  }

  /** The file's bytes, exactly as read (what a checkpoint stores). */
  byte[] json() {
    return json.clone();
  }

  /** The sha256 of {@link #json()}, hex. */
  String sha256() {
    return sha256;
  }

  /** The special added tokens' contents ordered by id. */
  List<String> specialTokens() {
    return specialTokens;
  }

  @Override
  public int[] encode(String text) {
    long[] ids = tokenizer.encode(text, false, false).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  @Override
  public String decode(int[] ids, int from, int to) {
    long[] slice = new long[Math.max(0, to - from)];
    for (int i = from; i < to; i++) {
      slice[i - from] = ids[i];
    }
    return tokenizer.decode(slice, true);
  }

  @Override
  public boolean isSpecial(int id) {
    return id >= 0 && id < special.length && special[id];
  }

  @Override
  public int bos() {
    return roles[0];
  }

  @Override
  public int eos() {
    return roles[1];
  }

  @Override
  public int pad() {
    return roles[2];
  }

  @Override
  public int sep() {
    return roles[3];
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public void close() {
    tokenizer.close();
  }

  @Override
  public String toString() {
    return KIND + " sha256=" + sha256 + " vocab=" + vocabSize + " specials=" + specialTokens;
  }
}
