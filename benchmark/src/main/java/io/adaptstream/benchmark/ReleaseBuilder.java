package io.adaptstream.benchmark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Turns a {@link ReleaseSpec} into the list of samples of one release, with its defects placed at exactly the
 * designed rates. Nothing is rendered here: a {@link Draft} is an item plus the choices made for it.
 */
final class ReleaseBuilder {

  private static final int MAX_ATTEMPTS = 200_000;

  private final long seed;
  private final Size size;
  /** Item keys already used anywhere in the benchmark: no item appears twice unless duplicated on purpose. */
  private final Set<String> usedKeys;

  ReleaseBuilder(long seed, Size size, Set<String> usedKeys) {
    this.seed = seed;
    this.size = size;
    this.usedKeys = usedKeys;
  }

  enum Split {
    TRAIN, TEST;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A sample before rendering. */
  static final class Draft {
    final Item item;
    final Split split;
    /** Names the sample's noise streams; stable whatever the final order of the release. */
    final String tag;
    final int promptIndex;
    final Draft duplicateOf;
    boolean imageNotNeeded;
    boolean labelNoise;

    Draft(Item item, Split split, String tag, int promptIndex, Draft duplicateOf) {
      this.item = item;
      this.split = split;
      this.tag = tag;
      this.promptIndex = promptIndex;
      this.duplicateOf = duplicateOf;
    }

    boolean twoTurn() {
      return !item.preamble().isEmpty();
    }

    String question() {
      return imageNotNeeded ? item.blindPrompt() : item.prompts().get(promptIndex);
    }

    String givenAnswer() {
      return labelNoise ? item.wrongAnswer() : item.answer();
    }
  }

  /** The train samples of {@code spec}, in their final (shuffled) order. */
  List<Draft> train(ReleaseSpec spec) {
    int n = size.train(spec);
    Map<Skill, Integer> counts = apportion(n, spec.mix());
    Map<Skill, Double> dupWeights = new LinkedHashMap<>();
    counts.forEach((skill, count) -> {
      if (skill.visual() && count >= 2) {
        dupWeights.put(skill, (double) count);
      }
    });
    Map<Skill, Integer> duplicates = apportion((int) Math.round(spec.nearDuplicate() * n), dupWeights);
    int twoTurn = (int) Math.round(spec.twoTurn() * n);

    List<Draft> drafts = new ArrayList<>();
    for (Map.Entry<Skill, Integer> entry : counts.entrySet()) {
      Skill skill = entry.getKey();
      int dups = duplicates.getOrDefault(skill, 0);
      int originals = entry.getValue() - dups;
      int dialogs = skill == spec.twoTurnSkill() ? twoTurn : 0;
      if (originals < 1 || dialogs > originals) {
        throw new IllegalStateException(spec.name() + "/" + skill.label() + ": defect rates exceed the skill's samples");
      }
      String stream = "items|" + spec.name() + "|train|" + skill.label();
      SplittableRandom rng = RandomStreams.stream(seed, stream);
      List<Draft> skillOriginals = new ArrayList<>();
      for (int i = 0; i < originals; i++) {
        // two-turn items last: duplicates copy single-turn ones only, so the two-turn count stays as designed
        Item item = drawUnique(skill, rng, i >= originals - dialogs, Split.TRAIN);
        skillOriginals.add(new Draft(item, Split.TRAIN, stream + "|" + i, rng.nextInt(item.prompts().size()), null));
      }
      drafts.addAll(skillOriginals);
      int singleTurn = originals - dialogs;
      if (dups > 0 && singleTurn < 1) {
        throw new IllegalStateException(spec.name() + "/" + skill.label() + ": nothing to duplicate");
      }
      for (int j = 0; j < dups; j++) {
        // skewed choice: a few items are copied many times, as re-posted images are in scraped data
        double r = rng.nextDouble();
        Draft original = skillOriginals.get((int) (singleTurn * r * r));
        int prompts = original.item.prompts().size();
        int prompt = prompts == 1 ? 0 : (original.promptIndex + 1 + rng.nextInt(prompts - 1)) % prompts;
        drafts.add(new Draft(original.item, Split.TRAIN, stream + "|" + (originals + j), prompt, original));
      }
    }

    SplittableRandom defects = RandomStreams.stream(seed, "defects|" + spec.name());
    List<Draft> blindable = new ArrayList<>(drafts.stream()
        .filter(d -> d.duplicateOf == null && !d.twoTurn() && d.item.blindPrompt() != null).toList());
    int blind = (int) Math.round(spec.imageNotNeeded() * n);
    if (blind > blindable.size()) {
      throw new IllegalStateException(spec.name() + ": too few samples can be worded without needing the image");
    }
    RandomStreams.shuffle(blindable, defects);
    blindable.subList(0, blind).forEach(d -> d.imageNotNeeded = true);

    List<Draft> noisable = new ArrayList<>(drafts.stream().filter(d -> !d.imageNotNeeded).toList());
    int noisy = (int) Math.round(spec.labelNoise() * n);
    RandomStreams.shuffle(noisable, defects);
    noisable.subList(0, noisy).forEach(d -> d.labelNoise = true);

    RandomStreams.shuffle(drafts, RandomStreams.stream(seed, "order|" + spec.name()));
    return drafts;
  }

  /** Clean single-turn test samples for {@code skills}, grouped by skill. */
  List<Draft> test(ReleaseSpec spec, List<Skill> skills) {
    List<Draft> drafts = new ArrayList<>();
    for (Skill skill : skills) {
      String stream = "items|" + spec.name() + "|test|" + skill.label();
      SplittableRandom rng = RandomStreams.stream(seed, stream);
      for (int i = 0; i < size.testPerSkill(); i++) {
        Item item = drawUnique(skill, rng, false, Split.TEST);
        drafts.add(new Draft(item, Split.TEST, stream + "|" + i, rng.nextInt(item.prompts().size()), null));
      }
    }
    return drafts;
  }

  private Item drawUnique(Skill skill, SplittableRandom rng, boolean dialog, Split split) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Item item = Items.draw(skill, rng, dialog);
      if (splitOf(item.key()) == split && usedKeys.add(item.key())) {
        return item;
      }
    }
    throw new IllegalStateException("cannot draw a new " + split.label() + " item for " + skill.label()
        + " after " + MAX_ATTEMPTS + " attempts: the skill's item space is too small for the requested size");
  }

  /** Train or test, by a seeded hash of the item key: one key in {@value BenchmarkDesign#TEST_KEY_ONE_IN} is test. */
  Split splitOf(String key) {
    return Math.floorMod(RandomStreams.derive(seed, "split|" + key), BenchmarkDesign.TEST_KEY_ONE_IN) == 0
        ? Split.TEST : Split.TRAIN;
  }

  /** Largest-remainder apportionment of {@code total} over the weights (ties go to the earlier entry). */
  static <K> Map<K, Integer> apportion(int total, Map<K, Double> weights) {
    double sum = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    Map<K, Integer> result = new LinkedHashMap<>();
    List<K> keys = new ArrayList<>(weights.keySet());
    double[] remainders = new double[keys.size()];
    int assigned = 0;
    for (int i = 0; i < keys.size(); i++) {
      double exact = sum == 0 ? 0 : total * weights.get(keys.get(i)) / sum;
      int floor = (int) Math.floor(exact);
      result.put(keys.get(i), floor);
      remainders[i] = exact - floor;
      assigned += floor;
    }
    while (assigned < total) {
      int best = 0;
      for (int i = 1; i < keys.size(); i++) {
        if (remainders[i] > remainders[best]) {
          best = i;
        }
      }
      result.merge(keys.get(best), 1, Integer::sum);
      remainders[best] = -1;
      assigned++;
    }
    return result;
  }
}
