package io.adaptstream.selector.algo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReservoirTest {

  private static final List<String> IDS = IntStream.range(0, 5000).mapToObj(i -> "sample-" + i).toList();

  @Test
  void shouldKeepTheSameSetWhateverTheArrivalOrder() {
    // given
    Reservoir<Integer> inOrder = fill(IDS);

    // when
    List<Reservoir<Integer>> shuffled = new ArrayList<>();
    for (long seed = 1; seed <= 3; seed++) {
      List<String> ids = new ArrayList<>(IDS);
      Collections.shuffle(ids, new Random(seed));
      shuffled.add(fill(ids));
    }

    // then
    assertThat(inOrder.size()).isEqualTo(200);
    for (Reservoir<Integer> r : shuffled) {
      assertThat(r.ids()).isEqualTo(inOrder.ids());
    }
  }

  @Test
  void shouldMergePerPartitionReservoirsIntoTheGlobalOne() {
    // given
    List<Reservoir<Integer>> partitions = List.of(new Reservoir<>(200, 9), new Reservoir<>(200, 9),
        new Reservoir<>(200, 9));
    for (int i = 0; i < IDS.size(); i++) {
      partitions.get(i % 3).offer(IDS.get(i), i);
    }

    // when
    Reservoir<Integer> merged = new Reservoir<>(200, 9);
    partitions.forEach(merged::merge);

    // then
    assertThat(merged.ids()).isEqualTo(fill(IDS).ids());
  }

  @Test
  void shouldMergeSlicesOfAPartitionsShareIntoTheGlobalOneAndSayWhenASliceWasTooSmall() {
    // given three hash-balanced partitions, each keeping only its slice of the global bottom-200
    int slice = Reservoir.sliceCapacity(200, 3);
    List<Reservoir<Integer>> partitions = List.of(new Reservoir<>(slice, 9), new Reservoir<>(slice, 9),
        new Reservoir<>(slice, 9));
    for (int i = 0; i < IDS.size(); i++) {
      partitions.get(i % 3).offer(IDS.get(i), i);
    }
    // and one partition holding nearly everything, cut to the same slice
    Reservoir<Integer> crowded = new Reservoir<>(slice, 9);
    Reservoir<Integer> sparse = new Reservoir<>(slice, 9);
    for (int i = 0; i < IDS.size(); i++) {
      (i % 50 == 0 ? sparse : crowded).offer(IDS.get(i), i);
    }

    // when
    Reservoir<Integer> merged = new Reservoir<>(200, 9);
    partitions.forEach(p -> p.byId().forEach(merged::offer));
    Reservoir<Integer> unbalanced = new Reservoir<>(200, 9);
    List.of(crowded, sparse).forEach(p -> p.byId().forEach(unbalanced::offer));

    // then a slice is well under the capacity, and the balanced merge is the global sample and says so
    assertThat(slice).isBetween(200 / 3, 199);
    assertThat(Reservoir.sliceCapacity(200, 1)).isEqualTo(200);
    assertThat(Reservoir.sliceCapacity(10, 3)).isEqualTo(10);
    assertThat(merged.ids()).isEqualTo(fill(IDS).ids());
    assertThat(merged.mergeWasExact(slice, id -> Integer.parseInt(id.substring(7)) % 3)).isTrue();
    assertThat(unbalanced.ids()).isNotEqualTo(fill(IDS).ids());
    assertThat(unbalanced.mergeWasExact(slice, id -> Integer.parseInt(id.substring(7)) % 50 == 0 ? 1 : 0))
        .isFalse();
  }

  @Test
  void shouldKeepEverythingWhenUnderCapacityAndReplaceValuesOfKnownIds() {
    // given
    Reservoir<Integer> r = new Reservoir<>(10, 1);
    r.offer("a", 1);
    r.offer("b", 2);

    // when
    boolean kept = r.offer("a", 3);

    // then
    assertThat(kept).isTrue();
    assertThat(r.byId()).containsExactly(java.util.Map.entry("a", 3), java.util.Map.entry("b", 2));
  }

  @Test
  void shouldDrawDifferentUnbiasedSamplesUnderDifferentSeeds() {
    // given / when
    Reservoir<Integer> a = fill(IDS);
    Reservoir<Integer> b = new Reservoir<>(200, 10);
    IDS.forEach(id -> b.offer(id, 0));

    // then
    assertThat(a.ids()).isNotEqualTo(b.ids());
    long lowHalf = a.ids().stream().filter(id -> Integer.parseInt(id.substring(7)) < 2500).count();
    assertThat(lowHalf).as("uniform over ids").isBetween(70L, 130L);
  }

  private static Reservoir<Integer> fill(List<String> ids) {
    Reservoir<Integer> r = new Reservoir<>(200, 9);
    ids.forEach(id -> r.offer(id, id.length()));
    return r;
  }
}
