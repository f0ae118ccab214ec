package io.adaptstream.trainer;

import static io.adaptstream.trainer.TrainerFixtures.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.avro.Release;
import io.adaptstream.avro.ReleaseRole;
import io.adaptstream.avro.ReleaseStatus;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.SealMarker;
import io.adaptstream.avro.Split;
import io.adaptstream.trainer.IngestView.Located;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestViewTest {

  private static SealMarker seal(String release, int sequence, int partition, long count) {
    return SealMarker.newBuilder().setRelease(release).setSequence(sequence).setPartition(partition)
        .setCount(count).setPartitions(2).build();
  }

  private static Release open(String name, ReleaseRole role) {
    return Release.newBuilder().setName(name).setStatus(ReleaseStatus.OPEN).setRole(role).setSequence(-1)
        .setFingerprint("f").setStartOffsets(List.of(0L, 0L)).build();
  }

  @Test
  void shouldMakeAReleaseUsableOnlyOnceItIsSealedOnEveryPartition() {
    // given the pretraining release's samples on two partitions
    IngestView view = new IngestView(true);
    Sample a = sample("pre", Split.TRAIN, "s", "a", "x", List.of());
    Sample b = sample("pre", Split.TRAIN, "s", "b", "x", List.of());
    view.onSample(a, 0, 0);
    view.onSample(b, 1, 0);

    // when only partition 0 is sealed, then both
    view.onSeal(seal("pre", 0, 0, 1), 0);
    boolean halfSealed = view.isSealed(0);
    List<Located> before = view.pretrainSamples();
    view.onSeal(seal("pre", 0, 1, 1), 1);

    // then
    assertThat(halfSealed).isFalse();
    assertThat(before).isEmpty();
    assertThat(view.isSealed(0)).isTrue();
    assertThat(view.sealed(0).orElseThrow().name()).isEqualTo("pre");
    assertThat(view.pretrainSamples()).extracting(l -> l.sample().getId())
        .containsExactlyElementsOf(List.of(a.getId(), b.getId()).stream().sorted().toList());
  }

  @Test
  void shouldKeepTrainSamplesOfThePretrainingReleaseOnly() {
    // given a task release known from the release table and one known only from its seal
    IngestView view = new IngestView(true);
    view.onRelease(open("r1", ReleaseRole.TASK));
    view.onSample(sample("r1", Split.TRAIN, null, "t1", "x", List.of()), 0, 0);
    view.onSample(sample("r2", Split.TRAIN, null, "t2", "x", List.of()), 0, 1);

    // when both are sealed as task releases
    view.onSeal(seal("r1", 1, 0, 1), 0);
    view.onSeal(seal("r1", 1, 1, 0), 1);
    view.onSeal(seal("r2", 2, 0, 1), 0);
    view.onSeal(seal("r2", 2, 1, 0), 1);

    // then no train sample is kept (they reach the trainer as selections) and there is no pretraining release
    assertThat(view.isSealed(1)).isTrue();
    assertThat(view.isSealed(2)).isTrue();
    assertThat(view.pretrainSamples()).isEmpty();
    assertThat(view.sealed(1).orElseThrow().train).isEmpty();
    assertThat(view.sealed(2).orElseThrow().train).isEmpty();
  }

  @Test
  void shouldGiveTheTestSamplesOfEveryReleaseUpToASequenceOnceEach() {
    // given test samples of the pretraining release and two task releases, one repeated across releases
    IngestView view = new IngestView(false);
    Sample p = sample("pre", Split.TEST, "colour", "p", "x", List.of());
    Sample t1 = sample("r1", Split.TEST, null, "q1", "x", List.of());
    Sample t1Again = TrainerFixtures.inRelease(p, "r1");
    Sample t2 = sample("r2", Split.TEST, "ocr", "q2", "x", List.of());
    view.onSample(p, 0, 0);
    view.onSample(t1, 1, 0);
    view.onSample(t1Again, 1, 1);
    view.onSample(t2, 0, 1);
    for (int part = 0; part < 2; part++) {
      view.onSeal(seal("pre", 0, part, 1), part);
      view.onSeal(seal("r1", 1, part, 1), part);
      view.onSeal(seal("r2", 2, part, 1), part);
    }

    // when
    List<Located> upTo0 = view.testSamples(0);
    List<Located> upTo1 = view.testSamples(1);
    List<Located> upTo2 = view.testSamples(2);

    // then each release's test split joins at its sequence, in (sequence, id) order, duplicates once
    assertThat(upTo0).extracting(l -> l.sample().getRelease()).containsExactly("pre");
    assertThat(upTo1).extracting(l -> l.sample().getId()).containsExactly(p.getId(), t1.getId());
    assertThat(upTo2).extracting(l -> l.sample().getId()).containsExactly(p.getId(), t1.getId(), t2.getId());
    assertThat(upTo2.get(1).partition()).isEqualTo(1);
  }

  @Test
  void shouldLeaveOutTestSamplesOfReleasesNotYetSealedEverywhere() {
    // given release 1 sealed on one of two partitions
    IngestView view = new IngestView(false);
    view.onSample(sample("r1", Split.TEST, null, "q", "x", List.of()), 0, 0);
    view.onSeal(seal("r1", 1, 0, 1), 0);

    // when / then
    assertThat(view.testSamples(1)).isEmpty();
  }

  @Test
  void shouldDropPretrainingSamplesOnRequest() {
    // given a sealed pretraining release
    IngestView view = new IngestView(true);
    view.onSample(sample("pre", Split.TRAIN, null, "q", "x", List.of()), 0, 0);
    view.onSeal(seal("pre", 0, 0, 1), 0);
    view.onSeal(seal("pre", 0, 1, 0), 1);

    // when version 0 exists
    view.dropPretrainSamples();
    view.onSample(sample("pre", Split.TRAIN, null, "late", "x", List.of()), 1, 5);

    // then
    assertThat(view.pretrainSamples()).isEmpty();
  }
}
