package io.adaptstream.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Generates the QUICK benchmark once and checks its content against the design, mostly from the files alone. */
class SkillWorldContentTest {

  static Manifest generated;
  static GeneratedBenchmark bench;

  @BeforeAll
  static void generate() throws Exception {
    bench = GeneratedBenchmark.quick();
    generated = GeneratedBenchmark.quickGenerated();
  }

  @Test
  void shouldWriteManifestThatReadsBackEqual() {
    assertThat(bench.manifest).isEqualTo(generated);
    assertThat(bench.manifest.releases()).extracting(Manifest.Release::name).containsExactly(
        "pretrain", "r1-llava-mix", "r2-m3it-many", "r3-minigpt4-detail", "r4-mantis-multi", "r5-visionflan-fine");
    assertThat(bench.manifest.releases()).extracting(Manifest.Release::role).containsExactly(
        Manifest.Role.PRETRAIN, Manifest.Role.TASK, Manifest.Role.TASK, Manifest.Role.TASK, Manifest.Role.TASK,
        Manifest.Role.TASK);
  }

  @Test
  void shouldCountInManifestExactlyWhatTheFilesHold() {
    for (Manifest.Release release : bench.manifest.releases()) {
      List<JsonNode> samples = bench.samples.get(release.name());
      assertThat(bench.samples(release.name(), "train")).hasSize(release.train());
      assertThat(bench.samples(release.name(), "test")).hasSize(release.test());
      assertThat(samples.stream().mapToInt(s -> GeneratedBenchmark.imagePaths(s).size()).sum())
          .isEqualTo(release.images());
      Map<String, int[]> counts = new HashMap<>();
      samples.forEach(s -> counts.computeIfAbsent(s.get("skill").asText(), k -> new int[2])
          [s.get("split").asText().equals("train") ? 0 : 1]++);
      assertThat(counts.keySet()).isEqualTo(release.skills().keySet());
      release.skills().forEach((skill, c) -> {
        assertThat(counts.get(skill)[0]).as(release.name() + " " + skill).isEqualTo(c.train());
        assertThat(counts.get(skill)[1]).as(release.name() + " " + skill).isEqualTo(c.test());
      });
    }
  }

  @Test
  void shouldParseEveryEntryAsLlavaSample() {
    Set<String> ids = new HashSet<>();
    for (JsonNode s : bench.allSamples()) {
      assertThat(ids.add(s.get("id").asText())).as("unique id").isTrue();
      assertThat(s.get("split").asText()).isIn("train", "test");
      assertThat(bench.manifest.skills()).containsKey(s.get("skill").asText());
      assertThat(s.has("image") && s.has("images")).isFalse();
      JsonNode conversation = s.get("conversations");
      assertThat(conversation.size()).isEven().isGreaterThanOrEqualTo(2);
      for (int i = 0; i < conversation.size(); i++) {
        assertThat(conversation.get(i).get("from").asText()).isEqualTo(i % 2 == 0 ? "human" : "gpt");
        assertThat(conversation.get(i).get("value").asText()).isNotBlank();
      }
    }
  }

  @Test
  void shouldCoverEverySkillWithTrainAndTestSamples() {
    Map<String, int[]> counts = new HashMap<>();
    bench.allSamples().forEach(s -> counts.computeIfAbsent(s.get("skill").asText(), k -> new int[2])
        [s.get("split").asText().equals("train") ? 0 : 1]++);
    assertThat(counts.keySet()).hasSize(Skill.values().length).hasSizeGreaterThanOrEqualTo(10);
    assertThat(bench.manifest.skills().values()).contains(
        "vqa", "multilingual", "grounding", "reasoning", "language", "multiimage", "ocr", "caption");
    counts.forEach((skill, c) -> {
      assertThat(c[0]).as(skill + " train").isPositive();
      assertThat(c[1]).as(skill + " test")
          .isEqualTo(Skill.ofLabel(skill).tested() ? Size.QUICK.testPerSkill() : 0);
    });
  }

  @Test
  void shouldTestEveryTestedSkillOfEveryReleaseInThatReleaseOrAnEarlierOne() {
    Set<String> tested = new HashSet<>();
    for (Manifest.Release release : bench.manifest.releases()) {
      release.skills().forEach((skill, c) -> {
        if (c.test() > 0) {
          tested.add(skill);
        }
      });
      List<String> needTests = release.skills().keySet().stream()
          .filter(s -> !bench.manifest.untested().contains(s)).toList();
      assertThat(tested).as(release.name()).containsAll(needTests);
    }
  }

  @Test
  void shouldKeepTestSamplesDisjointFromTrainSamples() {
    Set<String> trainContent = new HashSet<>();
    Set<String> trainImages = new HashSet<>();
    List<JsonNode> tests = new ArrayList<>();
    for (JsonNode s : bench.allSamples()) {
      if (s.get("split").asText().equals("train")) {
        trainContent.add(content(s));
        GeneratedBenchmark.imagePaths(s).forEach(p -> trainImages.add(RandomStreams.sha256Hex(bench.imageBytes(p))));
      } else {
        tests.add(s);
      }
    }
    Set<String> trainItems = new HashSet<>();
    Set<String> testItems = new HashSet<>();
    bench.allAnnotations().forEach(a ->
        (a.get("split").asText().equals("train") ? trainItems : testItems).add(a.get("item").asText()));

    assertThat(tests).isNotEmpty().allSatisfy(s -> {
      assertThat(trainContent).doesNotContain(content(s));
      GeneratedBenchmark.imagePaths(s).forEach(p ->
          assertThat(trainImages).doesNotContain(RandomStreams.sha256Hex(bench.imageBytes(p))));
    });
    assertThat(testItems).doesNotContainAnyElementsOf(trainItems);
  }

  @Test
  void shouldKeepTestSplitsFreeOfDefectsAndSingleTurn() {
    List<JsonNode> testNotes = bench.allAnnotations().stream()
        .filter(a -> a.get("split").asText().equals("test")).toList();
    assertThat(testNotes).isNotEmpty().allSatisfy(a -> {
      assertThat(a.get("defects")).isEmpty();
      assertThat(a.get("given").asText()).isEqualTo(a.get("answer").asText());
      assertThat(a.get("two_turn").asBoolean()).isFalse();
    });
  }

  @Test
  void shouldKeepMultilingualSamplesRareInRelease2() {
    List<JsonNode> train = bench.samples("r2-m3it-many", "train");
    long multilingual = train.stream().filter(s -> s.get("skill").asText().startsWith("multilingual.")).count();
    double share = (double) multilingual / train.size();
    assertThat(multilingual).isPositive();
    assertThat(share).isBetween(0.02, 0.05);
  }

  @Test
  void shouldAskAndAnswerMultilingualSamplesInNonLatinScripts() {
    Pattern latin = Pattern.compile("[A-Za-z]");
    Pattern nonLatin = Pattern.compile("[\\p{IsHan}\\p{IsHiragana}\\p{IsKatakana}\\p{IsCyrillic}]");
    List<JsonNode> multilingual = bench.allSamples().stream()
        .filter(s -> s.get("skill").asText().startsWith("multilingual.")).toList();
    assertThat(multilingual).isNotEmpty().allSatisfy(s -> {
      String question = GeneratedBenchmark.question(s);
      String answer = GeneratedBenchmark.answer(s);
      assertThat(latin.matcher(question).find()).as(question).isFalse();
      assertThat(latin.matcher(answer).find()).as(answer).isFalse();
      assertThat(nonLatin.matcher(question).find()).as(question).isTrue();
      assertThat(nonLatin.matcher(answer).find()).as(answer).isTrue();
    });
  }

  @Test
  void shouldMakeConfiguredShareOfRelease3NearDuplicatesThatDifferOnlyByNoiseAndWording() {
    String release = "r3-minigpt4-detail";
    List<JsonNode> train = bench.samples(release, "train");
    Map<String, JsonNode> byId = new HashMap<>();
    train.forEach(s -> byId.put(s.get("id").asText(), s));
    List<JsonNode> dups = bench.annotations.get(release).stream()
        .filter(a -> a.get("defects").toString().contains("near_duplicate")).toList();

    ReleaseSpec spec = spec(release);
    assertThat(dups).hasSize((int) Math.round(spec.nearDuplicate() * train.size()));
    assertThat(dups.size()).isEqualTo(bench.manifest.release(release).defects().get("near_duplicate"));
    assertThat(dups).allSatisfy(a -> {
      JsonNode copy = byId.get(a.get("id").asText());
      JsonNode original = byId.get(a.get("duplicate_of").asText());
      assertThat(GeneratedBenchmark.question(copy)).isNotEqualTo(GeneratedBenchmark.question(original));
      assertThat(maxPixelDifference(copy, original)).isPositive().isLessThanOrEqualTo(2 * Renderer.NOISE);
    });
    // a non-duplicate pair differs far more than noise
    JsonNode a = byId.get(dups.get(0).get("duplicate_of").asText());
    JsonNode other = train.stream().filter(s -> !s.get("id").equals(a.get("id"))
        && !GeneratedBenchmark.answer(s).equals(GeneratedBenchmark.answer(a))).findFirst().orElseThrow();
    assertThat(maxPixelDifference(a, other)).isGreaterThan(100);
  }

  @Test
  void shouldFlipExactlyTheConfiguredShareOfAnswersAsLabelNoise() {
    for (ReleaseSpec spec : BenchmarkDesign.RELEASES) {
      List<JsonNode> notes = bench.annotations.get(spec.name()).stream()
          .filter(a -> a.get("split").asText().equals("train")).toList();
      List<JsonNode> noisy = notes.stream().filter(a -> a.get("defects").toString().contains("label_noise")).toList();
      assertThat(noisy).as(spec.name()).hasSize((int) Math.round(spec.labelNoise() * notes.size()));
      assertThat(notes).allSatisfy(a -> assertThat(a.get("given").asText().equals(a.get("answer").asText()))
          .isEqualTo(!a.get("defects").toString().contains("label_noise")));
    }
    assertThat(spec("r5-visionflan-fine").labelNoise()).isBetween(0.05, 0.10);
  }

  @Test
  void shouldNameColoursThatAreInTheImageExceptWhenLabelNoiseWasInjected() {
    Map<String, JsonNode> notes = bench.annotationsById();
    List<JsonNode> colourSamples = bench.allSamples().stream()
        .filter(s -> s.get("skill").asText().equals("vqa.colour")).toList();
    int noisy = 0;
    for (JsonNode s : colourSamples) {
      boolean injected = notes.get(s.get("id").asText()).get("defects").toString().contains("label_noise");
      Colour named = colourNamed(GeneratedBenchmark.answer(s));
      Set<Colour> present = coloursIn(bench.image(GeneratedBenchmark.imagePaths(s).get(0)));
      assertThat(present.contains(named)).as(s.get("id").asText()).isEqualTo(!injected);
      noisy += injected ? 1 : 0;
    }
    assertThat(noisy).isPositive();
  }

  @Test
  void shouldWordImageNotNeededSamplesSoTheQuestionContainsTheAnswer() {
    Map<String, JsonNode> notes = bench.annotationsById();
    List<JsonNode> blind = bench.allSamples().stream()
        .filter(s -> notes.get(s.get("id").asText()).get("defects").toString().contains("image_not_needed"))
        .toList();
    for (ReleaseSpec spec : BenchmarkDesign.RELEASES) {
      long inRelease = blind.stream().filter(s -> s.get("id").asText().startsWith(spec.name() + "-")).count();
      int train = bench.manifest.release(spec.name()).train();
      assertThat(inRelease).as(spec.name()).isEqualTo(Math.round(spec.imageNotNeeded() * train));
    }
    assertThat(blind).isNotEmpty().allSatisfy(s ->
        assertThat(GeneratedBenchmark.question(s)).contains(GeneratedBenchmark.answer(s)));
  }

  @Test
  void shouldGiveMultiImageSamplesTwoOrThreeImagesWithMatchingPlaceholders() {
    for (JsonNode s : bench.allSamples()) {
      List<String> images = GeneratedBenchmark.imagePaths(s);
      List<String> turns = GeneratedBenchmark.turns(s);
      int placeholders = 0;
      for (String turn : turns) {
        placeholders += (turn.length() - turn.replace(SkillWorld.IMAGE_TOKEN, "").length())
            / SkillWorld.IMAGE_TOKEN.length();
      }
      assertThat(placeholders).as(s.get("id").asText()).isEqualTo(images.size());
      String skill = s.get("skill").asText();
      if (skill.startsWith("multiimage.")) {
        assertThat(images).hasSizeBetween(2, 3);
        assertThat(s.has("images")).isTrue();
      } else if (skill.startsWith("language.")) {
        assertThat(images).isEmpty();
      } else {
        assertThat(images).hasSize(1);
      }
    }
  }

  @Test
  void shouldKeepPromptAndAnswerWithinTheByteBudget() {
    assertThat(bench.allSamples()).allSatisfy(s -> {
      int bytes = 0;
      for (String turn : GeneratedBenchmark.turns(s)) {
        bytes += turn.replace(SkillWorld.IMAGE_TOKEN, "").strip().getBytes(StandardCharsets.UTF_8).length;
      }
      assertThat(bytes).as(s.get("id").asText()).isLessThanOrEqualTo(SkillWorld.TEXT_BUDGET_BYTES);
    });
  }

  @Test
  void shouldIncludeAFewTwoTurnSamplesInTrainOnly() {
    List<JsonNode> twoTurn = bench.allSamples().stream().filter(s -> s.get("conversations").size() == 4).toList();
    assertThat(twoTurn).isNotEmpty().allSatisfy(s -> assertThat(s.get("split").asText()).isEqualTo("train"));
    assertThat(bench.allSamples()).allSatisfy(s -> assertThat(s.get("conversations").size()).isIn(2, 4));
    int designed = bench.manifest.releases().stream().mapToInt(Manifest.Release::twoTurn).sum();
    assertThat(twoTurn).hasSize(designed);
  }

  @Test
  void shouldWriteDecodable32By32RgbPngs() {
    Set<String> seen = new HashSet<>();
    for (JsonNode s : bench.allSamples()) {
      for (String path : GeneratedBenchmark.imagePaths(s)) {
        assertThat(seen.add(path)).isTrue();
        byte[] bytes = bench.imageBytes(path);
        assertThat(bytes).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        BufferedImage image = bench.image(path);
        assertThat(image).as(path).isNotNull();
        assertThat(image.getWidth()).isEqualTo(32);
        assertThat(image.getHeight()).isEqualTo(32);
        assertThat(image.getColorModel().hasAlpha()).isFalse();
      }
    }
  }

  @Test
  void shouldRenderOcrTextThatTheBitmapFontReadsBackExactly() {
    List<JsonNode> ocr = bench.allSamples().stream()
        .filter(s -> s.get("skill").asText().startsWith("ocr.") || s.get("skill").asText().equals("reasoning.sum"))
        .toList();
    Map<String, JsonNode> notes = bench.annotationsById();
    assertThat(ocr).isNotEmpty().allSatisfy(s -> {
      String text = BitmapTextReader.read(bench.image(GeneratedBenchmark.imagePaths(s).get(0))).orElseThrow();
      String truth = notes.get(s.get("id").asText()).get("answer").asText();
      if (s.get("skill").asText().equals("reasoning.sum")) {
        Matcher m = Pattern.compile("(\\d+)\\+(\\d+)").matcher(text);
        assertThat(m.matches()).as(text).isTrue();
        assertThat(Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2))).isEqualTo(Integer.parseInt(truth));
      } else {
        assertThat(text.toLowerCase()).isEqualTo(truth);
      }
    });
  }

  @Test
  void shouldRevisitSkillsOfEarlierTaskReleasesRarely() {
    Map<Skill, String> homes = BenchmarkDesign.homes();
    List<String> taskReleases = new ArrayList<>();
    for (Manifest.Release release : bench.manifest.releases()) {
      if (release.role() != Manifest.Role.TASK) {
        continue;
      }
      release.skills().forEach((label, c) -> {
        String home = homes.get(Skill.ofLabel(label));
        if (taskReleases.contains(home)) {
          assertThat((double) c.train() / release.train()).as(release.name() + " " + label)
              .isLessThanOrEqualTo(BenchmarkDesign.MAX_REVISIT_SHARE + 1.0 / release.train());
        }
      });
      taskReleases.add(release.name());
    }
    assertThat(taskReleases).hasSize(5);
  }

  @Test
  void shouldUseShortAnswersForExactMatchAndLongOnesOnlyForCaptions() {
    assertThat(bench.allSamples()).allSatisfy(s -> {
      int tokens = GeneratedBenchmark.answer(s).strip().split("\\s+").length;
      String skill = s.get("skill").asText();
      if (skill.equals("caption.detailed")) {
        assertThat(tokens).isGreaterThan(4);
      } else if (!skill.startsWith("caption.")) {
        assertThat(tokens).as(s.get("id").asText()).isLessThanOrEqualTo(4);
      }
    });
  }

  // ---- helpers

  private static ReleaseSpec spec(String name) {
    return BenchmarkDesign.RELEASES.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }

  private static String content(JsonNode sample) {
    StringBuilder sb = new StringBuilder(sample.get("conversations").toString());
    GeneratedBenchmark.imagePaths(sample)
        .forEach(p -> sb.append('|').append(RandomStreams.sha256Hex(bench.imageBytes(p))));
    return sb.toString();
  }

  private static int maxPixelDifference(JsonNode a, JsonNode b) {
    BufferedImage x = bench.image(GeneratedBenchmark.imagePaths(a).get(0));
    BufferedImage y = bench.image(GeneratedBenchmark.imagePaths(b).get(0));
    int max = 0;
    for (int py = 0; py < 32; py++) {
      for (int px = 0; px < 32; px++) {
        int p = x.getRGB(px, py);
        int q = y.getRGB(px, py);
        for (int shift = 0; shift <= 16; shift += 8) {
          max = Math.max(max, Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff)));
        }
      }
    }
    return max;
  }

  private static Colour colourNamed(String word) {
    for (Colour c : Colour.values()) {
      if (c.word.equals(word)) {
        return c;
      }
    }
    throw new IllegalArgumentException(word);
  }

  /** Palette colours with at least 4 pixels within noise distance. */
  private static Set<Colour> coloursIn(BufferedImage image) {
    Map<Colour, Integer> counts = new EnumMap<>(Colour.class);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        int rgb = image.getRGB(x, y);
        for (Colour c : Colour.values()) {
          if (Math.abs(((rgb >> 16) & 0xff) - c.r) <= Renderer.NOISE
              && Math.abs(((rgb >> 8) & 0xff) - c.g) <= Renderer.NOISE
              && Math.abs((rgb & 0xff) - c.b) <= Renderer.NOISE) {
            counts.merge(c, 1, Integer::sum);
          }
        }
      }
    }
    Set<Colour> present = new HashSet<>();
    counts.forEach((c, n) -> {
      if (n >= 4) {
        present.add(c);
      }
    });
    return present;
  }
}
