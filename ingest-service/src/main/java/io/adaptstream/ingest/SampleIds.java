package io.adaptstream.ingest;

import io.adaptstream.avro.Split;
import io.adaptstream.avro.Turn;
import io.adaptstream.blob.Sha256;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;

/**
 * A sample's id: the sha256 of its content, so the same sample gets the same id in every release and every
 * publish, and exact duplicates collapse to one key.
 *
 * <p>The content is the split, the conversation (each turn's role and exact text) and the images' sha256 in
 * order. Not part of it: the release, the id in the file, the skill label (metadata, not content) and image
 * paths (the same bytes under another name are the same image).
 *
 * <p>Canonical form (version 1, never to change without renaming it): the tag {@code adapt.sample.v1}, then
 * each item as a 4-byte big-endian length followed by its UTF-8 bytes, in this order: split
 * ({@code train}/{@code test}), the number of turns, each turn's role ({@code human}/{@code gpt}) and text, the
 * number of images, each image's sha256 hex. Length prefixes make the encoding unambiguous whatever the text
 * contains.
 */
final class SampleIds {

  private static final byte[] TAG = "adapt.sample.v1".getBytes(StandardCharsets.US_ASCII);

  private SampleIds() {}

  static String of(Split split, List<Turn> turns, List<String> imageSha256s) {
    MessageDigest digest = Sha256.newDigest();
    digest.update(TAG);
    item(digest, split.name().toLowerCase(Locale.ROOT));
    item(digest, Integer.toString(turns.size()));
    for (Turn t : turns) {
      item(digest, t.getFrom().name().toLowerCase(Locale.ROOT));
      item(digest, t.getValue());
    }
    item(digest, Integer.toString(imageSha256s.size()));
    for (String sha : imageSha256s) {
      item(digest, sha);
    }
    return Sha256.hex(digest);
  }

  private static void item(MessageDigest digest, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    digest.update(bytes);
  }
}
