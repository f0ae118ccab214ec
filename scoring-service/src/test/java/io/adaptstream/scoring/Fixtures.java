package io.adaptstream.scoring;

import io.adaptstream.avro.ImageRef;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.ScoreRequest;
import io.adaptstream.avro.ScoreRequestEvent;
import io.adaptstream.avro.Speaker;
import io.adaptstream.avro.Split;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.avro.Turn;
import io.adaptstream.blob.BlobRef;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.model.ModelConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/** Small samples, images and requests for the scoring tests. */
final class Fixtures {

  /** A model small enough to score tens of samples in a second on a shared CPU: 4 image tokens, 2 layers of 32. */
  static final ModelConfig TINY = new ModelConfig(16, 8, 8, 2, 32, 2, 2, 64, 48, 1, 64, 7L);
  static final String MODEL = "vlm";

  private Fixtures() {}

  /** A seeded 12×12 PNG with a coloured square on noise. */
  static byte[] png(long seed) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(12, 12, BufferedImage.TYPE_INT_RGB);
    int colour = random.nextInt(0xFFFFFF);
    for (int y = 0; y < 12; y++) {
      for (int x = 0; x < 12; x++) {
        boolean square = x >= 3 && x < 9 && y >= 3 && y < 9;
        image.setRGB(x, y, square ? colour : random.nextInt(0x404040));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static ImageRef stored(BlobStore blobs, byte[] bytes) {
    try {
      BlobRef ref = blobs.put(bytes);
      return ref(ref.sha256(), ref.uri().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ImageRef ref(String sha256, String uri) {
    return ImageRef.newBuilder().setSha256(sha256).setUri(uri).setWidth(12).setHeight(12)
        .setMediaType("image/png").build();
  }

  static Sample sample(String id, String question, String answer, List<ImageRef> images) {
    List<Turn> turns = new ArrayList<>();
    turns.add(Turn.newBuilder().setFrom(Speaker.HUMAN).setValue(question).build());
    turns.add(Turn.newBuilder().setFrom(Speaker.GPT).setValue(answer).build());
    return Sample.newBuilder().setId(id).setRelease("r1").setSourceId(id).setSplit(Split.TRAIN).setSkill("colour")
        .setConversations(turns).setImages(images).build();
  }

  static ScoreRequestEvent request(int step, int modelVersion, Sample sample) {
    return new ScoreRequestEvent(ScoreRequest.newBuilder().setStep(step).setModel(MODEL)
        .setModelVersion(modelVersion).setFresh(true).setSample(sample).build());
  }

  /** The marker source {@code source} sends to partition {@code target}, as the selector's pool task does. */
  static StepMarker marker(int step, int source, long count, int sources, int target) {
    return StepMarker.newBuilder().setStep(step).setSourcePartition(source).setCount(count)
        .setSourcePartitions(sources).setTargetPartition(target).build();
  }
}
