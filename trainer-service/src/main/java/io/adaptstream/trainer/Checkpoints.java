package io.adaptstream.trainer;

import io.adaptstream.blob.BlobRef;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.model.CheckpointRef;
import io.adaptstream.model.ComputeDevice;
import io.adaptstream.model.Learner;
import io.adaptstream.model.LearnerConfig;
import io.adaptstream.model.Learners;
import io.adaptstream.model.ModelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Objects;

/**
 * A model checkpoint as a plain directory, for moving a model in or out of a deployment (the trainer's
 * {@code trainer.base.checkpoint}, the command line's {@code --base-checkpoint}):
 *
 * <pre>
 * model.params         the checkpoint bytes exactly as {@link Learner#save} stores them in the blob store
 * model-config.json    the config the checkpoint is loaded with: the built-in model's {@link ModelConfig}, or a
 *                      JSON object whose "kind" names another learner (also inside model.params)
 * model.params.sha256  "&lt;sha256&gt;  model.params", so that {@code sha256sum -c} checks the copy
 * </pre>
 *
 * <p>Inside the pipeline a checkpoint is a content-addressed blob; this layout is that blob plus what a person or
 * a script needs to handle it without the blob store. Importing puts the bytes back into a blob store, where they
 * get the same sha256 as when they were exported, so a published base model keeps its identity.
 */
public final class Checkpoints {

  public static final String PARAMS_FILE = "model.params";
  public static final String CONFIG_FILE = "model-config.json";
  public static final String SHA256_FILE = PARAMS_FILE + ".sha256";

  private Checkpoints() {}

  /** Saves {@code model} (through {@code blobs}) and writes it as a checkpoint directory; returns the blob's ref. */
  public static CheckpointRef write(Learner model, BlobStore blobs, Path dir) throws IOException {
    CheckpointRef ref = model.save(blobs);
    export(blobs, ref.sha256(), ref.configJson(), dir);
    return ref;
  }

  /**
   * Writes the checkpoint blob {@code sha256} (verified while read) with its config into {@code dir}, created if
   * needed; existing files of the layout are replaced, each atomically.
   */
  public static Path export(BlobStore blobs, String sha256, String configJson, Path dir) throws IOException {
    Objects.requireNonNull(sha256, "sha256");
    String config = normalised(configJson);
    byte[] params = blobs.get(sha256);
    Files.createDirectories(dir);
    writeAtomically(dir, PARAMS_FILE, params);
    writeAtomically(dir, CONFIG_FILE, (config + "\n").getBytes(StandardCharsets.UTF_8));
    writeAtomically(dir, SHA256_FILE, (sha256 + "  " + PARAMS_FILE + "\n").getBytes(StandardCharsets.US_ASCII));
    return dir;
  }

  /**
   * Copies a checkpoint into {@code blobs} and returns its ref. {@code path} is the directory or its
   * {@value #PARAMS_FILE}; the config file must be beside it, and the sha256 file, when present, must match.
   */
  public static CheckpointRef importInto(Path path, BlobStore blobs) throws IOException {
    Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
    Path params = Files.isDirectory(path) ? path.resolve(PARAMS_FILE) : path;
    if (!Files.isRegularFile(params)) {
      throw new IOException("no checkpoint at " + path + ": " + params + " does not exist");
    }
    Path configFile = dir.resolve(CONFIG_FILE);
    if (!Files.isRegularFile(configFile)) {
      throw new IOException("checkpoint " + params + " has no " + CONFIG_FILE + " beside it");
    }
    String config;
    try {
      config = normalised(Files.readString(configFile, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IOException(configFile + ": " + e.getMessage(), e);
    }
    BlobRef ref = blobs.put(params);
    Path shaFile = dir.resolve(SHA256_FILE);
    if (Files.isRegularFile(shaFile)) {
      String line = Files.readString(shaFile, StandardCharsets.US_ASCII).trim();
      String expected = line.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
      if (!expected.equals(ref.sha256())) {
        throw new IOException("checkpoint " + params + " is corrupt: its content hashes to " + ref.sha256()
            + " but " + shaFile.getFileName() + " says " + expected);
      }
    }
    return new CheckpointRef(ref.sha256(), ref.uri(), config);
  }

  /**
   * Imports the checkpoint at {@code path} into {@code blobs} and loads it; the config file must equal the
   * config the parameters were saved with, and its kind must be {@code learner}'s.
   *
   * @throws IllegalStateException when the checkpoint belongs to another kind of learner
   */
  public static Learner load(Path path, LearnerConfig learner, BlobStore blobs, ComputeDevice device)
      throws IOException {
    CheckpointRef ref = importInto(path, blobs);
    return Learners.load(learner, blobs, ref.sha256(), ref.configJson(), device);
  }

  /**
   * The built-in model's config in its canonical form (old checkpoints load unchanged); another kind's config as
   * given, once it names a known kind.
   */
  private static String normalised(String configJson) {
    return Learners.kindOf(configJson) == LearnerConfig.Kind.BUILTIN
        ? ModelConfig.fromJson(configJson).toJson() : configJson.strip();
  }

  private static void writeAtomically(Path dir, String name, byte[] content) throws IOException {
    Path tmp = Files.createTempFile(dir, "." + name + "-", ".part");
    try {
      Files.write(tmp, content);
      try {
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
