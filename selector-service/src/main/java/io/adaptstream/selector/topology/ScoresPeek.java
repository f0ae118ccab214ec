package io.adaptstream.selector.topology;

import io.adaptstream.avro.SampleScores;
import io.adaptstream.avro.ScoresEvent;
import io.adaptstream.schemas.registry.SchemaRegistryClient;
import io.adaptstream.schemas.serde.ConfluentWireFormat;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Reads what the score collector checks in a scores record (sample id, step, vector lengths) without decoding
 * its vectors, which are most of its bytes.
 *
 * <p>Why not Avro's reader with a projected schema: the checks need the vectors' lengths, which a projection
 * cannot keep without reading the vectors, and decoding them into {@code List<Float>} (one boxed float per
 * element) is what makes a full decode cost several times a copy of the record. This reader walks the binary
 * encoding with Avro's own {@link BinaryDecoder}, and only for records written with exactly the schema this
 * build knows (checked once per schema id against the registry); anything else (markers, another schema version,
 * bytes that are not a record) gets {@code null}, and the caller decodes it in full as before.
 */
final class ScoresPeek {

  /** The fields of a {@link SampleScores} the collector checks. */
  record Header(String sampleId, int step, int sketchLength, int embeddingLength) {}

  private static final Schema LAYOUT = ScoresEvent.getClassSchema();
  /** Number of {@code double} fields after the vectors (perplexity, el2n, entropy, grounding, grand). */
  private static final int TRAILING_DOUBLES = 5;

  private final SchemaRegistryClient registry;
  private final Map<Integer, Boolean> sameLayout = new ConcurrentHashMap<>();
  private BinaryDecoder decoder;

  ScoresPeek(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  /** The header of a framed {@code ScoresEvent} holding scores, or null when it must be decoded in full. */
  Header peek(byte[] framed) {
    try {
      BinaryDecoder d = atScores(framed);
      if (d == null) {
        return null;
      }
      String sampleId = d.readString();
      int step = d.readInt();
      skipToVectors(d);
      int sketch = skipFloats(d);
      int embedding = skipFloats(d);
      d.skipFixed(TRAILING_DOUBLES * Double.BYTES);
      return d.isEnd() ? new Header(sampleId, step, sketch, embedding) : null;
    } catch (IOException | RuntimeException e) {
      return null; // the full decode says what is wrong
    }
  }

  /**
   * The gradient sketch of framed scores of {@code sampleId} at {@code step} as packed little-endian float32 (its
   * bytes as the record holds them, copied without decoding a float); null when the bytes are anything else or
   * written with another schema (the caller then decodes in full).
   */
  byte[] packedSketch(byte[] framed, String sampleId, int step) {
    try {
      BinaryDecoder d = atScores(framed);
      if (d == null || !sampleId.equals(d.readString()) || d.readInt() != step) {
        return null;
      }
      skipToVectors(d);
      byte[] out = new byte[0];
      for (long block = d.readArrayStart(); block > 0; block = d.arrayNext()) { // one block, as Avro writes it
        int n = out.length;
        out = Arrays.copyOf(out, Math.toIntExact(n + block * Float.BYTES));
        d.readFixed(out, n, out.length - n);
      }
      return out;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * A decoder at the sample id of the {@code SampleScores} in the bytes, or null when they were written with
   * another schema or hold another branch of the union (a marker).
   */
  private BinaryDecoder atScores(byte[] framed) throws IOException {
    int id = ConfluentWireFormat.schemaId(framed);
    if (!sameLayout.computeIfAbsent(id, i -> LAYOUT.equals(registry.getById(i)))) {
      return null;
    }
    decoder = DecoderFactory.get().binaryDecoder(framed, ConfluentWireFormat.HEADER_BYTES,
        framed.length - ConfluentWireFormat.HEADER_BYTES, decoder);
    return decoder.readIndex() == 0 ? decoder : null; // the union's first branch is SampleScores
  }

  /** Skips the fields between the step and the sketch. */
  private static void skipToVectors(BinaryDecoder d) throws IOException {
    d.skipString(); // model
    d.readInt(); // modelVersion
    d.readBoolean(); // fresh
  }

  /** Skips an array of floats, block by block; returns its length. */
  private static int skipFloats(BinaryDecoder d) throws IOException {
    long length = 0;
    for (long block = d.readArrayStart(); block > 0; block = d.arrayNext()) {
      d.skipFixed(Math.toIntExact(block * Float.BYTES));
      length += block;
    }
    return Math.toIntExact(length);
  }
}
