package io.adaptstream.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pretraining release of the QUICK benchmark (the same as FULL's): its mix, and the primitives checked
 * against the pixels and the multilingual skills' words, from the files alone.
 */
class PretrainReleaseTest {

  private static final String PRETRAIN = "pretrain";
  private static final List<String> PRIMITIVES =
      List.of("caption.places", "vqa.count_all", "ocr.read", "language.vocab");
  /** Russian number words for 0–9, written out independently of the generator. */
  private static final List<String> RUSSIAN = List.of(
      "ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять");
  private static final Pattern TO_SCRIPT = Pattern.compile(
      "(?:Say (.+) in (\\w+)\\.|What is (.+) in (\\w+)\\?|Translate to (\\w+): (.+)|(.+) in (\\w+)\\?)");
  private static final Pattern TO_DIGITS = Pattern.compile(
      "(?:Write (.+) in digits\\.|(.+) in digits\\?|Which digits are (.+)\\?)");

  static GeneratedBenchmark bench;

  @BeforeAll
  static void generate() throws Exception {
    bench = GeneratedBenchmark.quick();
  }

  @Test
  void shouldSplitThePretrainReleaseExactlyByItsMixAndKeepCaptionsAtTheirFirstDesignCount() {
    Manifest.Release pretrain = bench.manifest.release(PRETRAIN);
    Map<String, Manifest.SkillCounts> expected = new LinkedHashMap<>();
    expected.put("caption.brief", new Manifest.SkillCounts(2000, Size.QUICK.testPerSkill()));
    PRIMITIVES.forEach(p -> expected.put(p, new Manifest.SkillCounts(500, 0)));

    assertThat(pretrain.train()).isEqualTo(4000);
    assertThat(pretrain.skills()).isEqualTo(expected);
    assertThat(pretrain.test()).isEqualTo(Size.QUICK.testPerSkill());
    assertThat(pretrain.defects().values()).containsOnly(0);
    assertThat(pretrain.twoTurn()).isZero();
  }

  @Test
  void shouldMarkThePrimitivesUntestedInTheManifestAndKeepThemOutOfTaskReleasesAndTestSplits() {
    assertThat(bench.manifest.untested()).containsExactlyElementsOf(PRIMITIVES);
    assertThat(bench.manifest.design()).isEqualTo(Manifest.CURRENT_DESIGN).isEqualTo(2);
    for (Manifest.Release release : bench.manifest.releases()) {
      if (release.role() == Manifest.Role.TASK) {
        assertThat(release.skills().keySet()).as(release.name()).doesNotContainAnyElementsOf(PRIMITIVES);
      }
    }
    assertThat(bench.allSamples()).filteredOn(s -> PRIMITIVES.contains(s.get("skill").asText()))
        .isNotEmpty()
        .allSatisfy(s -> {
          assertThat(s.get("split").asText()).isEqualTo("train");
          assertThat(s.get("id").asText()).startsWith(PRETRAIN + "-");
        });
  }

  @Test
  void shouldAnswerCountAllWithTheNumberOfObjectsInTheImage() {
    List<JsonNode> samples = primitive("vqa.count_all");
    Set<Integer> counts = new HashSet<>();
    assertThat(samples).allSatisfy(s -> {
      int objects = SceneReader.read(bench.image(GeneratedBenchmark.imagePaths(s).get(0))).size();
      assertThat(GeneratedBenchmark.answer(s)).as(s.get("id").asText()).isEqualTo(Integer.toString(objects));
      counts.add(objects);
    });
    assertThat(counts).as("counts 1–9 all occur").hasSize(9);
  }

  @Test
  void shouldCaptionPlacesWithSizeColourShapeAndQuadrantOfEveryObjectInReadingOrder() {
    List<JsonNode> samples = primitive("caption.places");
    Map<Integer, Integer> byObjects = new HashMap<>();
    assertThat(samples).allSatisfy(s -> {
      List<SceneObject> objects = SceneReader.read(bench.image(GeneratedBenchmark.imagePaths(s).get(0)));
      String expected = objects.stream()
          .map(o -> (o.large() ? "big " : "small ") + o.colour().word + " " + o.shape().word + " "
              + (o.row() < 2 ? "top" : "bottom") + " " + (o.col() < 2 ? "left" : "right"))
          .collect(Collectors.joining(", "));
      assertThat(GeneratedBenchmark.answer(s)).as(s.get("id").asText()).isEqualTo(expected);
      byObjects.merge(objects.size(), 1, Integer::sum);
    });
    assertThat(byObjects.keySet()).containsExactlyInAnyOrder(1, 2, 3);
    assertThat(samples).anySatisfy(s -> assertThat(GeneratedBenchmark.answer(s)).contains("big"));
  }

  @Test
  void shouldRenderReadingTextsThatTheFontReadsBackAndThatNoOcrTaskAsks() {
    List<JsonNode> samples = primitive("ocr.read");
    Set<String> lexicon = Items.WORDS.stream().map(String::toLowerCase).collect(Collectors.toSet());
    Set<Integer> lengths = new HashSet<>();
    assertThat(samples).allSatisfy(s -> {
      String text = BitmapTextReader.read(bench.image(GeneratedBenchmark.imagePaths(s).get(0))).orElseThrow();
      String answer = GeneratedBenchmark.answer(s);
      assertThat(answer).as(s.get("id").asText()).isEqualTo(text.toLowerCase()).matches("[a-z0-9]{1,5}");
      assertThat(lexicon).doesNotContain(answer);
      assertThat(answer.matches("[0-9]{1,4}") && (answer.length() == 1 || answer.charAt(0) != '0'))
          .as("a number ocr.digits asks: " + answer).isFalse();
      lengths.add(answer.length());
    });
    assertThat(lengths).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
    assertThat(samples).anySatisfy(s -> assertThat(GeneratedBenchmark.answer(s)).matches(".*[0-9].*"))
        .anySatisfy(s -> assertThat(GeneratedBenchmark.answer(s)).matches(".*[a-z].*"));
  }

  @Test
  void shouldTranslateVocabularyWithExactlyTheMultilingualSkillsWordsInBothDirections() {
    Map<String, Map<String, String>> dictionaries = dictionaries();
    Set<String> directions = new HashSet<>();
    for (JsonNode s : primitive("language.vocab")) {
      assertThat(GeneratedBenchmark.imagePaths(s)).isEmpty();
      String question = GeneratedBenchmark.question(s);
      String answer = GeneratedBenchmark.answer(s);
      Matcher toScript = TO_SCRIPT.matcher(question);
      Matcher toDigits = TO_DIGITS.matcher(question);
      List<String> asked;
      Map<String, String> dictionary;
      if (toDigits.matches()) {
        asked = words(firstGroup(toDigits));
        dictionary = inverse(dictionaries.get("Russian"));
        directions.add("Russian→digits");
      } else {
        assertThat(toScript.matches()).as(question).isTrue();
        List<String> groups = groups(toScript);
        boolean languageFirst = toScript.group(5) != null;
        String language = languageFirst ? groups.get(0) : groups.get(1);
        asked = words(languageFirst ? groups.get(1) : groups.get(0));
        if (language.equals("English")) {
          String script = dictionaries.keySet().stream()
              .filter(l -> dictionaries.get(l).values().containsAll(asked)).findFirst().orElseThrow();
          dictionary = inverse(dictionaries.get(script));
          directions.add(script + "→English");
        } else {
          dictionary = dictionaries.get(language);
          directions.add("→" + language);
        }
      }
      assertThat(asked).as(question).hasSizeBetween(1, 3).doesNotHaveDuplicates();
      assertThat(dictionary).as(question).containsKeys(asked.toArray(String[]::new));
      assertThat(answer).as(question)
          .isEqualTo(asked.stream().map(dictionary::get).collect(Collectors.joining(" ")));
    }
    assertThat(directions).containsExactlyInAnyOrder("→Chinese", "→Japanese", "→Russian", "Chinese→English",
        "Japanese→English", "Russian→digits");
  }

  @Test
  void shouldUseEveryAnswerOfTheMultilingualTaskSkillsAsAVocabularyWord() {
    Set<String> vocabulary = new HashSet<>();
    primitive("language.vocab").forEach(s -> {
      vocabulary.addAll(words(GeneratedBenchmark.answer(s)));
      vocabulary.addAll(words(GeneratedBenchmark.question(s)));
    });
    Set<String> taskAnswers = bench.allSamples().stream()
        .filter(s -> s.get("skill").asText().startsWith("multilingual."))
        .map(GeneratedBenchmark::answer)
        .collect(Collectors.toSet());

    assertThat(taskAnswers).hasSizeGreaterThanOrEqualTo(10);
    assertThat(vocabulary).containsAll(taskAnswers);
  }

  @Test
  void shouldKeepEveryPretrainSampleWithinTheByteBudgetAndCaptionsLong() {
    assertThat(bench.samples.get(PRETRAIN)).allSatisfy(s -> {
      int bytes = GeneratedBenchmark.turns(s).stream()
          .mapToInt(t -> t.replace(SkillWorld.IMAGE_TOKEN, "").strip().getBytes(StandardCharsets.UTF_8).length)
          .sum();
      assertThat(bytes).as(s.get("id").asText()).isLessThanOrEqualTo(SkillWorld.TEXT_BUDGET_BYTES);
    });
    assertThat(primitive("caption.places")).allSatisfy(s ->
        assertThat(GeneratedBenchmark.answer(s).split(" ")).hasSizeGreaterThan(4));
  }

  // ---- helpers

  private static List<JsonNode> primitive(String skill) {
    List<JsonNode> samples = bench.samples.get(PRETRAIN).stream()
        .filter(s -> s.get("skill").asText().equals(skill)).toList();
    assertThat(samples).as(skill).hasSize(500);
    return samples;
  }

  /** Language → English word (or digit) → the word the multilingual skills use. */
  private static Map<String, Map<String, String>> dictionaries() {
    Map<String, String> chinese = new HashMap<>();
    Map<String, String> japanese = new HashMap<>();
    Map<String, String> russian = new HashMap<>();
    for (Colour c : Colour.values()) {
      chinese.put(c.word, c.zh);
      japanese.put(c.word, c.jaAdjective);
    }
    for (Shape s : Shape.values()) {
      chinese.put(s.word, s.zh);
      japanese.put(s.word, s.ja);
    }
    for (int i = 0; i < RUSSIAN.size(); i++) {
      russian.put(Integer.toString(i), RUSSIAN.get(i));
    }
    return Map.of("Chinese", chinese, "Japanese", japanese, "Russian", russian);
  }

  private static Map<String, String> inverse(Map<String, String> map) {
    Map<String, String> inverse = new HashMap<>();
    map.forEach((k, v) -> inverse.put(v, k));
    return inverse;
  }

  private static List<String> words(String text) {
    return List.of(text.strip().split(" +"));
  }

  private static String firstGroup(Matcher m) {
    return groups(m).get(0);
  }

  /** The non-null groups of a match, in order. */
  private static List<String> groups(Matcher m) {
    List<String> groups = new ArrayList<>();
    for (int i = 1; i <= m.groupCount(); i++) {
      if (m.group(i) != null) {
        groups.add(m.group(i));
      }
    }
    return groups;
  }
}
