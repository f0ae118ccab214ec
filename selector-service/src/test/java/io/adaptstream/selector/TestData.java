package io.adaptstream.selector;

import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SampleScores;
import io.adaptstream.avro.ScoreRequest;
import io.adaptstream.avro.SealMarker;
import io.adaptstream.avro.Speaker;
import io.adaptstream.avro.Split;
import io.adaptstream.avro.Turn;
import io.adaptstream.selector.algo.Member;
import io.adaptstream.selector.algo.Seeds;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded synthetic releases and a fake scoring model for the selector's tests: scores are a pure function of the
 * request (sample id, skill, step), so the topology and the single-JVM reference see exactly the same numbers.
 */
public final class TestData {

  public static final List<String> SKILLS = List.of("count", "colour", "shape", "ocr");
  public static final int SKETCH_DIM = 16;
  public static final int EMBEDDING_DIM = 8;

  private TestData() {}

  /** A text-only sample whose id is the sha256 of its release, index and skill. */
  public static Sample sample(String release, int index, Split split, String skill) {
    return Sample.newBuilder().setId(sha256(release + "/" + index + "/" + skill)).setRelease(release)
        .setSourceId(Integer.toString(index)).setSplit(split).setSkill(skill)
        .setConversations(List.of(new Turn(Speaker.HUMAN, "question " + index + " on " + skill),
            new Turn(Speaker.GPT, "answer " + index)))
        .setImages(List.of()).build();
  }

  /** {@code train} train samples then {@code test} test samples, skills dealt by a seeded draw. */
  public static List<Sample> release(String name, int train, int test, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < train + test; i++) {
      out.add(sample(name, i, i < train ? Split.TRAIN : Split.TEST, SKILLS.get(random.nextInt(SKILLS.size()))));
    }
    return out;
  }

  /** Seal markers of a release over {@code partitions} partitions, counting its samples per partition. */
  public static List<SealMarker> seals(String release, int sequence, List<Sample> samples, int partitions,
      java.util.function.ToIntFunction<String> partitionOf) {
    long[] counts = new long[partitions];
    samples.forEach(s -> counts[partitionOf.applyAsInt(s.getId())]++);
    List<SealMarker> out = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      out.add(SealMarker.newBuilder().setRelease(release).setSequence(sequence).setPartition(p).setCount(counts[p])
          .setPartitions(partitions).build());
    }
    return out;
  }

  /** What the fake model says about a requested sample: a skill-shaped sketch and embedding, seeded scores. */
  public static SampleScores scores(ScoreRequest request) {
    return scores(request, SKETCH_DIM, EMBEDDING_DIM);
  }

  /** The same fake model with other vector sizes (benchmarks). */
  public static SampleScores scores(ScoreRequest request, int sketchDim, int embeddingDim) {
    Sample s = request.getSample();
    int skill = Math.max(0, SKILLS.indexOf(s.getSkill()));
    SplittableRandom random = new SplittableRandom(Seeds.hash(request.getStep(), s.getId()));
    List<Float> sketch = around(sketchDim, skill, 0.25, random);
    List<Float> embedding = around(embeddingDim, skill, 0.35, random);
    return SampleScores.newBuilder().setSampleId(s.getId()).setStep(request.getStep()).setModel(request.getModel())
        .setModelVersion(request.getModelVersion()).setFresh(request.getFresh()).setSketch(sketch)
        .setEmbedding(embedding).setPerplexity(Math.exp(1 + 0.5 * gaussian(random)))
        .setEl2n(random.nextDouble()).setEntropy(2 + 0.3 * gaussian(random)).setGrounding(1 + 0.2 * gaussian(random))
        .setGrand(10 * random.nextDouble()).build();
  }

  /** The reference's member for the same scores. */
  public static Member member(SampleScores s) {
    return Member.of(s.getSampleId(), s.getFresh(), toArray(s.getSketch()), toArray(s.getEmbedding()),
        s.getPerplexity(), s.getEl2n(), s.getEntropy(), s.getGrounding(), s.getGrand());
  }

  /** A request as the pool would send it. */
  public static ScoreRequest request(int step, String model, Sample sample, boolean fresh) {
    return ScoreRequest.newBuilder().setStep(step).setModel(model).setModelVersion(step - 1).setFresh(fresh)
        .setSample(sample).build();
  }

  private static List<Float> around(int dim, int axis, double noise, SplittableRandom random) {
    double[] v = new double[dim];
    double norm = 0;
    for (int d = 0; d < dim; d++) {
      v[d] = noise * gaussian(random) + (d == axis % dim ? 1 : 0);
      norm += v[d] * v[d];
    }
    norm = Math.sqrt(norm);
    List<Float> out = new ArrayList<>(dim);
    for (double x : v) {
      out.add((float) (x / norm));
    }
    return out;
  }

  private static float[] toArray(List<Float> list) {
    float[] out = new float[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  public static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
