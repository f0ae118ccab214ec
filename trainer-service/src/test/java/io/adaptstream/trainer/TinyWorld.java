package io.adaptstream.trainer;

import static io.adaptstream.trainer.TrainerFixtures.missingImage;
import static io.adaptstream.trainer.TrainerFixtures.png;
import static io.adaptstream.trainer.TrainerFixtures.sample;
import static io.adaptstream.trainer.TrainerFixtures.store;

import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Split;
import io.adaptstream.blob.BlobStore;
import java.util.ArrayList;
import java.util.List;

/**
 * A pretraining release (skills {@code colour} with images, {@code sum} text-only) and one task release (skill
 * {@code echo}, plus one train sample whose image is not in the blob store); 4 test samples per skill.
 *
 * @param pretrain every sample of release {@code pre}
 * @param task every sample of release {@code r1}
 * @param taskTrain the train samples of {@code r1}, what a selector would select
 * @param broken the train sample of {@code r1} whose image is missing
 */
record TinyWorld(List<Sample> pretrain, List<Sample> task, List<Sample> taskTrain, Sample broken) {

  static final String[] COLOURS = {"red", "green", "blue", "yellow"};
  static final int[] RGB = {0xE02020, 0x20C020, 0x2040E0, 0xE0E020};
  static final String[] WORDS = {"cat", "dog", "sun", "map", "cup", "hat", "pen", "box", "car", "egg", "fox", "ink"};

  static TinyWorld create(BlobStore blobs) {
    List<Sample> pretrain = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Split split = i < 8 ? Split.TRAIN : Split.TEST;
      int c = i % COLOURS.length;
      pretrain.add(sample("pre", split, "colour", "What colour is the square?", COLOURS[c],
          List.of(store(blobs, png(RGB[c], i)))));
      int a = i % 5;
      int b = (i * 3) % 4;
      pretrain.add(sample("pre", split, "sum", "What is " + a + " plus " + b + "?", Integer.toString(a + b),
          List.of()));
    }
    List<Sample> task = new ArrayList<>();
    List<Sample> taskTrain = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Split split = i < 8 ? Split.TRAIN : Split.TEST;
      Sample s = sample("r1", split, "echo", "Repeat the word: " + WORDS[i], WORDS[i], List.of());
      task.add(s);
      if (split == Split.TRAIN) {
        taskTrain.add(s);
      }
    }
    Sample broken = sample("r1", Split.TRAIN, "colour", "What colour is the square?", "red",
        List.of(missingImage(png(RGB[0], 99))));
    task.add(broken);
    taskTrain.add(broken);
    return new TinyWorld(List.copyOf(pretrain), List.copyOf(task), List.copyOf(taskTrain), broken);
  }
}
