package io.adaptstream.ingest;

import io.adaptstream.avro.ReleaseRole;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What to publish: a dataset file as one named release.
 *
 * <p>The release name keys the release table and appears in transactional ids and DLQ keys, so it is
 * restricted to a safe alphabet.
 *
 * @param release the release name, {@code [A-Za-z0-9._-]{1,128}}
 * @param file the LLaVA JSON or JSONL file
 * @param format the file's layout; {@code null} detects it from the file name
 * @param imageRoot the directory image paths are relative to; {@code null} means the file's directory
 * @param role {@code TASK} or {@code PRETRAIN}; {@code null} means {@code TASK}
 */
public record PublishRequest(String release, Path file, DatasetFormat format, Path imageRoot, ReleaseRole role) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  public PublishRequest {
    Objects.requireNonNull(file, "file");
    if (!isValidName(release)) {
      throw new IllegalArgumentException(
          "release name must be 1-128 characters of letters, digits, '.', '_' or '-', got: " + release);
    }
    file = file.toAbsolutePath().normalize();
    format = format == null ? DatasetFormat.detect(file) : format;
    imageRoot = imageRoot == null ? file.getParent() : imageRoot.toAbsolutePath().normalize();
    role = role == null ? ReleaseRole.TASK : role;
  }

  /** A TASK release whose images are relative to the file's directory. */
  public static PublishRequest of(String release, Path file) {
    return new PublishRequest(release, file, null, null, null);
  }

  public static boolean isValidName(String release) {
    return release != null && NAME.matcher(release).matches();
  }
}
