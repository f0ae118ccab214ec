package io.adaptstream.trainer;

import io.adaptstream.avro.ImageRef;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Selection;
import io.adaptstream.avro.Speaker;
import io.adaptstream.avro.Split;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.avro.Turn;
import io.adaptstream.blob.BlobRef;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.blob.Sha256;
import io.adaptstream.model.ModelConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/** Test data: a tiny model, small real PNGs in a blob store, samples, selections and markers; all seeded. */
final class TrainerFixtures {

  /** About 40 k parameters: trains a few dozen samples in well under a second. */
  static final ModelConfig TINY = new ModelConfig(16, 8, 8, 1, 32, 1, 2, 64, 40, 0, 16, 7L);

  private TrainerFixtures() {}

  /** A 16×16 PNG: seeded grey noise around a square of colour {@code rgb}. */
  static byte[] png(int rgb, long seed) {
    Random random = new Random(seed);
    BufferedImage im = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        boolean inside = x >= 4 && x < 12 && y >= 4 && y < 12;
        int g = 90 + random.nextInt(40);
        im.setRGB(x, y, inside ? rgb : (g << 16) | (g << 8) | g);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(im, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Stores {@code png} and returns the reference a sample carries. */
  static ImageRef store(BlobStore blobs, byte[] png) {
    try {
      BlobRef ref = blobs.put(png);
      return imageRef(ref.sha256(), ref.uri().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A reference to an image that is in no blob store. */
  static ImageRef missingImage(byte[] png) {
    String sha = Sha256.hex(png);
    return imageRef(sha, "file:///nowhere/" + sha);
  }

  private static ImageRef imageRef(String sha, String uri) {
    return ImageRef.newBuilder().setSha256(sha).setUri(uri).setWidth(16).setHeight(16).setMediaType("image/png")
        .build();
  }

  /** A one-exchange sample whose id is the sha256 of its content. */
  static Sample sample(String release, Split split, String skill, String question, String answer,
      List<ImageRef> images) {
    String content = release + "|" + split + "|" + question + "|" + answer + "|"
        + images.stream().map(ImageRef::getSha256).toList();
    return Sample.newBuilder()
        .setId(Sha256.hex(content.getBytes(StandardCharsets.UTF_8)))
        .setRelease(release)
        .setSourceId(question)
        .setSplit(split)
        .setSkill(skill)
        .setConversations(List.of(new Turn(Speaker.HUMAN, (images.isEmpty() ? "" : "<image>\n") + question),
            new Turn(Speaker.GPT, answer)))
        .setImages(images)
        .build();
  }

  /** The same sample (same id) as published in another release; built field by field (Avro's copy builders refuse
   * classes they were not told to trust outside the serdes). */
  static Sample inRelease(Sample s, String release) {
    return Sample.newBuilder().setId(s.getId()).setRelease(release).setSourceId(s.getSourceId()).setSplit(s.getSplit())
        .setSkill(s.getSkill()).setConversations(s.getConversations()).setImages(s.getImages()).build();
  }

  static Selection selection(int step, Sample sample) {
    return Selection.newBuilder().setStep(step).setSampleId(sample.getId()).setCluster(0).setScorer("el2n")
        .setScore(0.5).setSample(sample).build();
  }

  static StepMarker marker(int step, int source, int sources, long count, int target) {
    return StepMarker.newBuilder().setStep(step).setSourcePartition(source).setSourcePartitions(sources)
        .setCount(count).setTargetPartition(target).build();
  }
}
