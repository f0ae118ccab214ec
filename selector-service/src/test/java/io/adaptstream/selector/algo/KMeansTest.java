package io.adaptstream.selector.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KMeansTest {

  private static final int DIM = 32;
  private static final int[] AXES = {0, 1, 2, 3};
  private static final int PER_BLOB = 100;

  @Test
  void shouldRecoverWellSeparatedBlobs() {
    // given
    List<float[]> points = Fixtures.blobs(DIM, AXES, PER_BLOB, 0.1, 1);

    // when
    KMeans.Result r = new KMeans(KMeans.Config.withK(4)).fit(points, 11);

    // then every blob is exactly one cluster
    assertThat(r.k()).isEqualTo(4);
    assertThat(r.converged()).isTrue();
    Set<Integer> seen = new HashSet<>();
    for (int b = 0; b < AXES.length; b++) {
      int first = r.assignments()[b * PER_BLOB];
      for (int i = 0; i < PER_BLOB; i++) {
        assertThat(r.assignments()[b * PER_BLOB + i]).isEqualTo(first);
      }
      seen.add(first);
    }
    assertThat(seen).hasSize(4);
    assertThat(r.sizes()).containsOnly(PER_BLOB);
    assertThat(r.inertia()).isPositive().isLessThan(points.size() * 0.5);
  }

  @Test
  void shouldGiveIdenticalResultsForTheSameSeedAndDifferentInitialisationsForOthers() {
    // given
    List<float[]> points = Fixtures.blobs(DIM, AXES, PER_BLOB, 0.3, 2);
    KMeans kmeans = new KMeans(KMeans.Config.withK(4));

    // when
    KMeans.Result a = kmeans.fit(points, 5);
    KMeans.Result b = kmeans.fit(points, 5);
    Set<Integer> firstClusterOfPoint0 = new HashSet<>();
    for (long seed = 0; seed < 12; seed++) {
      firstClusterOfPoint0.add(kmeans.fit(points, seed).assignments()[0]);
    }

    // then
    assertThat(b.centroids()).isDeepEqualTo(a.centroids());
    assertThat(b.assignments()).isEqualTo(a.assignments());
    assertThat(b.iterations()).isEqualTo(a.iterations());
    assertThat(firstClusterOfPoint0).as("seeds change which id a blob gets").hasSizeGreaterThan(1);
  }

  @Test
  void shouldKeepClusterIdsStableAndConvergeFasterWhenWarmStarted() {
    KMeans kmeans = new KMeans(KMeans.Config.withK(4).withoutNewClusters());
    int warmIterations = 0;
    int coldIterations = 0;
    for (long step = 0; step < 5; step++) {
      // given step t-1 fitted on one sample of the skills, step t gets a new sample of the same skills
      KMeans.Result previous = kmeans.fit(Fixtures.blobs(DIM, AXES, PER_BLOB, 0.3, 10 * step + 3), step);
      List<float[]> next = Fixtures.blobs(DIM, AXES, PER_BLOB, 0.3, 10 * step + 4);

      // when
      KMeans.Result warm = kmeans.fit(next, previous.centroids(), step + 100);
      KMeans.Result cold = kmeans.fit(next, step + 100);

      // then cluster c is the same pseudo-skill as before, and warm never needs more iterations
      assertThat(warm.warmStarted()).isTrue();
      for (int c = 0; c < 4; c++) {
        assertThat(UnitVector.dot(warm.centroids()[c], previous.centroids()[c])).isGreaterThan(0.95);
      }
      assertThat(warm.iterations()).isLessThanOrEqualTo(cold.iterations());
      warmIterations += warm.iterations();
      coldIterations += cold.iterations();
    }
    assertThat(warmIterations).isLessThan(coldIterations);
  }

  @Test
  void shouldReseedAnEmptyClusterFromTheFarthestPoint() {
    // given two blobs and three previous centroids, one of them where no point is
    List<float[]> points = Fixtures.blobs(DIM, new int[] {0, 1}, 50, 0.3, 5);
    float[][] previous = {axis(0), axis(1), axis(7)};

    // when
    KMeans.Result r = new KMeans(KMeans.Config.withK(3).withoutNewClusters()).fit(points, previous, 3);

    // then the stranded cluster was given points and moved to the data
    assertThat(r.k()).isEqualTo(3);
    assertThat(r.sizes()).doesNotContain(0L);
    assertThat(UnitVector.dot(r.centroids()[2], axis(7))).isLessThan(0.5);
    assertThat(UnitVector.dot(r.centroids()[0], axis(0))).isGreaterThan(0.8);
  }

  @Test
  void shouldOpenANewClusterWhenAReleaseBringsAFarAwaySkill() {
    // given three known skills, then a release with a fourth one
    KMeans kmeans = new KMeans(new KMeans.Config(3, 100, 1e-4, 5, 0.3, 20, KMeans.NewClusters.REFERENCE));
    KMeans.Result previous = kmeans.fit(Fixtures.blobs(DIM, new int[] {0, 1, 2}, 60, 0.2, 6), 1);
    List<float[]> next = new ArrayList<>(Fixtures.blobs(DIM, new int[] {0, 1, 2}, 60, 0.2, 7));
    next.addAll(Fixtures.blobs(DIM, new int[] {9}, 40, 0.2, 8));

    // when
    KMeans.Result r = kmeans.fit(next, previous.centroids(), 2);

    // then one cluster was opened, with the next id, holding the new skill; old ids kept their skills
    assertThat(r.opened()).isEqualTo(1);
    assertThat(r.k()).isEqualTo(4);
    for (int c = 0; c < 3; c++) {
      assertThat(UnitVector.dot(r.centroids()[c], previous.centroids()[c])).isGreaterThan(0.95);
    }
    for (int i = 180; i < 220; i++) {
      assertThat(r.assignments()[i]).isEqualTo(3);
    }
    assertThat(r.assign(axis(9))).isEqualTo(3);
  }

  @Test
  void shouldNotOpenANewClusterForAHandfulOfOutliers() {
    // given
    KMeans kmeans = new KMeans(new KMeans.Config(3, 100, 1e-4, 5, 0.3, 20, KMeans.NewClusters.REFERENCE));
    KMeans.Result previous = kmeans.fit(Fixtures.blobs(DIM, new int[] {0, 1, 2}, 60, 0.2, 6), 1);
    List<float[]> next = new ArrayList<>(Fixtures.blobs(DIM, new int[] {0, 1, 2}, 60, 0.2, 7));
    next.addAll(Fixtures.blobs(DIM, new int[] {9}, 5, 0.2, 8));

    // when
    KMeans.Result r = kmeans.fit(next, previous.centroids(), 2);

    // then
    assertThat(r.opened()).isZero();
    assertThat(r.k()).isEqualTo(3);
  }

  @Test
  void shouldOpenNoClusterByDefaultWhenTheDataComeFromTheKnownClusters() {
    for (long seed = 0; seed < 10; seed++) {
      // given four well-separated skills, fitted, then a new draw of the same four
      KMeans kmeans = new KMeans(KMeans.Config.withK(4));
      KMeans.Result previous = kmeans.fit(Fixtures.blobs(DIM, new int[] {0, 1, 2, 3}, 100, 0.3, seed), 1);

      // when
      KMeans.Result r = kmeans.fit(Fixtures.blobs(DIM, new int[] {0, 1, 2, 3}, 100, 0.3, 100 + seed),
          previous.centroids(), 2);

      // then
      assertThat(r.opened()).as("seed " + seed).isZero();
      assertThat(r.k()).isEqualTo(4);
    }
  }

  @Test
  void shouldOpenOneClusterByDefaultForANewSeparatedGroup() {
    // given three known skills, then a release with a fourth one
    KMeans kmeans = new KMeans(KMeans.Config.withK(3));
    KMeans.Result previous = kmeans.fit(Fixtures.blobs(DIM, new int[] {0, 1, 2}, 100, 0.3, 6), 1);
    List<float[]> next = new ArrayList<>(Fixtures.blobs(DIM, new int[] {0, 1, 2}, 100, 0.3, 7));
    next.addAll(Fixtures.blobs(DIM, new int[] {9}, 40, 0.3, 8));

    // when
    KMeans.Result r = kmeans.fit(next, previous.centroids(), 2);

    // then exactly one opened, with the next id, holding the new skill
    assertThat(r.opened()).isEqualTo(1);
    assertThat(r.k()).isEqualTo(4);
    assertThat(UnitVector.dot(r.centroids()[3], axis(9))).isGreaterThan(0.9);
    for (int c = 0; c < 3; c++) {
      assertThat(UnitVector.dot(r.centroids()[c], previous.centroids()[c])).isGreaterThan(0.95);
    }
  }

  @Test
  void shouldOpenClustersOnDiffuseHighDimensionalSketchesOnlyUnderTheReferenceRule() {
    // given 256-d sketches around 10 directions, each at a cosine of about 0.4 to its own (many below 0.3)
    int dim = 256;
    int[] axes = java.util.stream.IntStream.range(0, 10).toArray();
    List<float[]> first = Fixtures.blobs(dim, axes, 100, 0.15, 1);
    List<float[]> second = Fixtures.blobs(dim, axes, 100, 0.15, 2);
    KMeans.Config calibrated = KMeans.Config.withK(10);
    KMeans.Config reference = calibrated.withNewClusters(KMeans.NewClusters.REFERENCE);
    float[][] previous = new KMeans(calibrated).fit(first, 1).centroids();

    // when
    KMeans.Result byDefault = new KMeans(calibrated).fit(second, previous, 2);
    KMeans.Result byReference = new KMeans(reference).fit(second, previous, 2);
    KMeans.Result off = new KMeans(calibrated.withoutNewClusters()).fit(second, previous, 2);

    // then the reference's fixed cosine fires up to 2k, the calibrated rule keeps k
    assertThat(byReference.opened()).isEqualTo(10);
    assertThat(byReference.k()).isEqualTo(20);
    assertThat(byDefault.opened()).isZero();
    assertThat(byDefault.k()).isEqualTo(10);
    assertThat(off.k()).isEqualTo(10);
  }

  @Test
  void shouldReturnFewerCentroidsWhenThereAreFewerDistinctDirectionsThanK() {
    // given
    List<float[]> points = List.of(axis(0), axis(0), axis(1), axis(1));

    // when
    KMeans.Result r = new KMeans(KMeans.Config.withK(10)).fit(points, 1);

    // then
    assertThat(r.k()).isEqualTo(2);
    assertThat(r.inertia()).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void shouldRejectVectorsWithoutADirection() {
    assertThatThrownBy(() -> new KMeans(KMeans.Config.defaults()).fit(List.of(axis(0), new float[DIM]), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("point 1").hasMessageContaining("norm");
    assertThatThrownBy(() -> new KMeans(KMeans.Config.defaults()).fit(List.of(), 1))
        .hasMessageContaining("at least one point");
  }

  private static float[] axis(int a) {
    float[] v = new float[DIM];
    v[a] = 1f;
    return v;
  }
}
