package io.adaptstream.cli.run.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.trainer.TrainerListener.Phase;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainerProgressTest {

  @Test
  void shouldShowTheOptimizerStepInTenthsWhenTrainingInStepsMode() {
    // given a trainer making version 2 in steps mode, 400 steps
    TrainerProgress progress = new TrainerProgress(true, false);
    progress.onPhase(2, Phase.TRAINING);
    Set<String> lines = new LinkedHashSet<>();

    // when every step reports
    for (int s = 0; s < 400; s++) {
      progress.onTrainingStep(2, s, 400, 25, 1f);
      lines.add(progress.describe());
    }

    // then about ten distinct lines show, by step count
    assertThat(lines).contains("step 2: training, step 120/400", "step 2: training, step 400/400").hasSize(11);
  }

  @Test
  void shouldShowTheEpochWhenTrainingInEpochsMode() {
    // given pretraining in epochs mode while the task steps use steps mode
    TrainerProgress progress = new TrainerProgress(true, false);
    progress.onPhase(0, Phase.TRAINING);

    // when the first step of the third epoch (of 10 steps each) reports
    progress.onTrainingStep(0, 20, 80, 10, 1f);

    // then the epoch shows
    assertThat(progress.describe()).isEqualTo("model v0 (pretraining): training, epoch 3");
  }
}
