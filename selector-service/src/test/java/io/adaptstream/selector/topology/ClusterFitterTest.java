package io.adaptstream.selector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.avro.Centroids;
import io.adaptstream.avro.ReservoirEntry;
import io.adaptstream.avro.ReservoirEvent;
import io.adaptstream.avro.StepMarker;
import io.adaptstream.selector.TestData;
import io.adaptstream.selector.algo.KMeans;
import io.adaptstream.selector.algo.Reservoir;
import io.adaptstream.selector.algo.Seeds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster fitter: the global bottom-k of the slices, in id order, warm-started from the last step. */
class ClusterFitterTest {

  private static final Map<String, String> SETTINGS = Map.of("selector.reservoir", "30", "selector.k", "3",
      "selector.seed", "5");

  @TempDir
  Path stateDir;
  private TopologyHarness h;

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void shouldFitTheMergedBottomKOfEverySliceOnceEverySliceIsIn() throws Exception {
    // given three collectors' slices of 20 sketches each
    h = new TopologyHarness(stateDir, SETTINGS);
    Reservoir<float[]> merged = new Reservoir<>(30, Seeds.forReservoir(5));

    // when
    for (int source = 0; source < 3; source++) {
      assertThat(h.read(h.catalogue.centroids)).isEmpty();
      for (ReservoirEntry e : slice(1, source, 20)) {
        merged.offer(e.getSampleId(), Vectors.unpack(e.getSketch()));
        h.pipe(h.catalogue.reservoir, e.getSampleId(), new ReservoirEvent(e));
      }
      h.pipe(h.catalogue.reservoir, StepKeys.marker(1, source), new ReservoirEvent(StepMarker.newBuilder().setStep(1)
          .setSourcePartition(source).setCount(20).setSourcePartitions(3).setTargetPartition(0).build()));
    }

    // then
    KMeans.Result fit = new KMeans(h.config.kmeans()).fit(new ArrayList<>(merged.byId().values()), null,
        Seeds.forClustering(5, 1));
    List<Centroids> out = h.read(h.catalogue.centroids);
    assertThat(out).singleElement().satisfies(c -> {
      assertThat(c.getReservoirSize()).isEqualTo(30);
      assertThat(c.getWarmStarted()).isFalse();
      assertThat(c.getCentroids()).hasSize(fit.k());
      for (int i = 0; i < fit.k(); i++) {
        assertThat(toArray(c.getCentroids().get(i))).containsExactly(fit.centroids()[i]);
      }
      assertThat(c.getFits()).extracting(f -> f.getFitted()).containsExactly(
          java.util.Arrays.stream(fit.sizes()).boxed().toArray(Long[]::new));
    });
  }

  @Test
  void shouldWarmStartTheNextStepFromTheCentroidsItKept() throws Exception {
    // given
    h = new TopologyHarness(stateDir, SETTINGS);
    fitStep(1);

    // when
    fitStep(2);

    // then
    List<Centroids> out = h.read(h.catalogue.centroids);
    assertThat(out).extracting(Centroids::getStep).containsExactly(1, 2);
    assertThat(out.get(1).getWarmStarted()).isTrue();
  }

  @Test
  void shouldDeadLetterASketchThatIsNotPackedFloatsAndStillFitTheStep() throws Exception {
    // given a slice of 25 whose last entry carries 5 bytes
    h = new TopologyHarness(stateDir, SETTINGS);
    List<ReservoirEntry> entries = slice(1, 0, 25);
    entries.get(24).setSketch(java.nio.ByteBuffer.wrap(new byte[5]));

    // when
    for (ReservoirEntry e : entries) {
      h.pipe(h.catalogue.reservoir, e.getSampleId(), new ReservoirEvent(e));
    }
    h.pipe(h.catalogue.reservoir, StepKeys.marker(1, 0), new ReservoirEvent(StepMarker.newBuilder().setStep(1)
        .setSourcePartition(0).setCount(25).setSourcePartitions(1).setTargetPartition(0).build()));

    // then
    h.drainOutputs();
    assertThat(h.read(h.catalogue.centroids)).singleElement()
        .satisfies(c -> assertThat(c.getReservoirSize()).isEqualTo(24));
    assertThat(h.deadLetters).filteredOn(dl -> dl.getSourceTopic().equals(h.catalogue.reservoir.name()))
        .singleElement().satisfies(dl -> {
          assertThat(dl.getReason()).isEqualTo("bad_scores");
          assertThat(dl.getDetail()).contains("5 bytes");
        });
  }

  private void fitStep(int step) {
    for (ReservoirEntry e : slice(step, 0, 25)) {
      h.pipe(h.catalogue.reservoir, e.getSampleId(), new ReservoirEvent(e));
    }
    h.pipe(h.catalogue.reservoir, StepKeys.marker(step, 0), new ReservoirEvent(StepMarker.newBuilder().setStep(step)
        .setSourcePartition(0).setCount(25).setSourcePartitions(1).setTargetPartition(0).build()));
  }

  /** Sketches around three axes, ids from the source and step. */
  private static List<ReservoirEntry> slice(int step, int source, int n) {
    SplittableRandom random = new SplittableRandom(31L * step + source);
    List<ReservoirEntry> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] v = new float[6];
      int axis = random.nextInt(3);
      for (int d = 0; d < v.length; d++) {
        v[d] = (float) ((d == axis ? 1 : 0) + 0.2 * random.nextDouble());
      }
      out.add(new ReservoirEntry(step, TestData.sha256(step + "/" + source + "/" + i), Vectors.pack(v)));
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
}
