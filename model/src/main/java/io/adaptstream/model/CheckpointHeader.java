package io.adaptstream.model;

import io.adaptstream.blob.BlobRef;
import io.adaptstream.blob.BlobStore;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The header a checkpoint blob starts with: a magic line naming the kind of model, a format number and the config
 * JSON the weights were saved with. One reader and writer for every learner, so the checks and their messages
 * cannot drift apart between kinds.
 */
final class CheckpointHeader {

  private final byte[] magic;
  private final int format;
  private final String kind;

  /**
   * @param magic the first line of the blob, e.g. {@code ADAPT-VLM\n}
   * @param format the format this build writes and reads
   * @param kind what a blob with another magic line is not, for the error message
   */
  CheckpointHeader(String magic, int format, String kind) {
    this.magic = magic.getBytes(StandardCharsets.US_ASCII);
    this.format = format;
    this.kind = kind;
  }

  /** What follows the header in a checkpoint: the weights. */
  interface Body {
    void writeTo(DataOutputStream out) throws IOException;
  }

  /** Writes the header and {@code body} to the blob store; the same bytes always give the same hash. */
  CheckpointRef save(BlobStore blobs, String configJson, Body body) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(magic);
      out.writeInt(format);
      out.writeUTF(configJson);
      body.writeTo(out);
    }
    BlobRef ref = blobs.put(bytes.toByteArray());
    return new CheckpointRef(ref.sha256(), ref.uri(), configJson);
  }

  /**
   * Reads and checks the header of blob {@code sha256}, leaving {@code in} just after it.
   *
   * @return the config JSON the checkpoint was saved with
   * @throws IOException if the blob is not a checkpoint of this kind or has another format
   */
  String read(DataInputStream in, String sha256) throws IOException {
    byte[] read = new byte[magic.length];
    in.readFully(read);
    if (!Arrays.equals(read, magic)) {
      throw new IOException("blob " + sha256 + " is not a " + kind);
    }
    int found = in.readInt();
    if (found != format) {
      throw new IOException("checkpoint " + sha256 + " has format " + found + ", this build reads " + format);
    }
    return in.readUTF();
  }
}
