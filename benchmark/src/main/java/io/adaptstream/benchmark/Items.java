package io.adaptstream.benchmark;

import io.adaptstream.benchmark.Item.Turn;
import io.adaptstream.benchmark.SceneSampler.Distinct;
import io.adaptstream.benchmark.Visual.ShapeScene;
import io.adaptstream.benchmark.Visual.TextImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * One generator per skill: draws a scene (or text), the question in several wordings and the answer.
 *
 * <p>Answers are short canonical strings (a word, a number, a box) so that the evaluation's exact match is
 * fair; only captions are long and scored by token F1. Every prompt plus answer stays within
 * {@value SkillWorld#TEXT_BUDGET_BYTES} UTF-8 bytes.
 */
final class Items {

  /** Lexicon of the OCR word skill: common 3–4 letter words (a closed vocabulary, like a sign-reading task). */
  static final List<String> WORDS = List.of(
      "CAT", "DOG", "SUN", "MAP", "BOX", "CUP", "HAT", "PEN", "BUS", "KEY", "BAG", "BED", "CAR", "EGG", "FAN",
      "FOX", "JAR", "LEG", "MUG", "NET", "OWL", "PIG", "RUG", "TOY", "VAN", "WEB", "ZIP", "ANT", "BEE", "COW",
      "ICE", "INK", "JET", "KIT", "LOG", "NUT", "OAK", "PAN", "RAT", "SKY", "TEA", "TIN", "ARM", "BOOK", "TREE",
      "FISH", "BIRD", "LAMP", "DOOR", "MOON", "STAR", "RAIN", "SHIP", "FROG", "CAKE", "DESK", "ROSE", "WIND",
      "GOLD", "MILK");

  /**
   * Russian number words 0–9: {@code multilingual.count_ru} answers with 1–5, the vocabulary primitive
   * translates every digit.
   */
  private static final String[] RU_NUMBERS =
      {"ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"};
  /** What a reading image may show: the bitmap font's capital letters and digits. */
  private static final String READ_SYMBOLS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  /** Wordings of {@code caption.places}: short, so that three objects with their places fit the byte budget. */
  private static final List<String> PLACES_PROMPTS = List.of(
      "List the objects.", "Where is each object?", "Say what is where.", "List objects and places.");
  private static final String CONSONANTS = "bcdfghklmnprstvz";
  private static final String VOWELS = "aeiou";

  private Items() {}

  static Item draw(Skill skill, SplittableRandom rng, boolean dialog) {
    if (dialog && skill != Skill.VQA_POSITION && skill != Skill.GROUNDING_BOX) {
      throw new IllegalArgumentException("no two-turn form for " + skill.label());
    }
    return switch (skill) {
      case CAPTION_BRIEF -> captionBrief(rng);
      case CAPTION_DETAILED -> captionDetailed(rng);
      case VQA_COLOUR -> vqaColour(rng);
      case VQA_SHAPE -> vqaShape(rng);
      case VQA_COUNT -> vqaCount(rng);
      case VQA_POSITION -> dialog ? vqaPositionDialog(rng) : vqaPosition(rng);
      case LANGUAGE_ARITH -> languageArith(rng);
      case LANGUAGE_WORD -> languageWord(rng);
      case REASONING_RELATION -> reasoningRelation(rng);
      case REASONING_COMPARE_COUNT -> reasoningCompareCount(rng);
      case REASONING_SUM -> reasoningSum(rng);
      case OCR_DIGITS -> ocrDigits(rng);
      case OCR_WORD -> ocrWord(rng);
      case GROUNDING_BOX -> dialog ? groundingBoxDialog(rng) : groundingBox(rng);
      case GROUNDING_REFER -> groundingRefer(rng);
      case MULTILINGUAL_COLOUR_ZH -> colourZh(rng);
      case MULTILINGUAL_SHAPE_JA -> shapeJa(rng);
      case MULTILINGUAL_COUNT_RU -> countRu(rng);
      case MULTIIMAGE_MORE -> multiImageMore(rng);
      case MULTIIMAGE_SAME_COLOUR -> multiImageSameColour(rng);
      case MULTIIMAGE_DIFF -> multiImageDiff(rng);
      case CAPTION_PLACES -> captionPlaces(rng);
      case VQA_COUNT_ALL -> countAll(rng);
      case OCR_READ -> ocrRead(rng);
      case LANGUAGE_VOCAB -> vocabulary(rng);
    };
  }

  // ---- captions

  private static Item captionBrief(SplittableRandom rng) {
    int n = weighted(rng, new int[] {0, 1, 5, 4}); // 1 object 10%, 2 objects 50%, 3 objects 40%
    ShapeScene scene = SceneSampler.scene(rng, n, Distinct.NONE, 0.4);
    String answer = briefCaption(scene);
    ShapeScene wrong = recolourOne(rng, scene);
    return single(Skill.CAPTION_BRIEF, scene, "", List.of(
            "Describe the image briefly.", "What is in the image?", "Give a short caption.", "Caption this image."),
        answer, briefCaption(wrong), null);
  }

  static String briefCaption(ShapeScene scene) {
    return joinAnd(scene.readingOrder().stream().map(o -> "a " + o.description()).toList());
  }

  private static Item captionDetailed(SplittableRandom rng) {
    ShapeScene scene = SceneSampler.scene(rng, 2, Distinct.NONE, 0.5);
    return single(Skill.CAPTION_DETAILED, scene, "", List.of(
            "Describe the image in detail.", "Describe this picture.", "What does the image show?",
            "Give a detailed description.", "Describe the scene."),
        detailedCaption(scene), detailedCaption(recolourOne(rng, scene)), null);
  }

  /** Two objects with size, colour, shape and quadrant: the longest answers of the benchmark (≈ 15 tokens). */
  static String detailedCaption(ShapeScene scene) {
    return joinAnd(scene.readingOrder().stream()
        .map(o -> "a " + o.sizeWord() + " " + o.description() + " at the " + o.quadrant())
        .toList());
  }

  private static ShapeScene recolourOne(SplittableRandom rng, ShapeScene scene) {
    int i = rng.nextInt(scene.objects().size());
    Colour other = SceneSampler.unusedColour(rng, scene);
    List<SceneObject> objects = new ArrayList<>(scene.objects());
    objects.set(i, objects.get(i).withColour(other));
    return new ShapeScene(scene.background(), objects);
  }

  // ---- VQA

  private static Item vqaColour(SplittableRandom rng) {
    ShapeScene scene = SceneSampler.scene(rng, rng.nextInt(1, 4), Distinct.SHAPES, 0.5);
    SceneObject target = SceneSampler.pick(rng, scene.objects());
    String s = target.shape().word;
    return single(Skill.VQA_COLOUR, scene, target.shape().name(), List.of(
            "What colour is the " + s + "?", "What color is the " + s + "?",
            "Which colour does the " + s + " have?", "Tell me the colour of the " + s + "."),
        target.colour().word, SceneSampler.unusedColour(rng, scene).word,
        "What colour is the " + target.description() + "?");
  }

  private static Item vqaShape(SplittableRandom rng) {
    ShapeScene scene = SceneSampler.scene(rng, rng.nextInt(1, 4), Distinct.COLOURS, 0.5);
    SceneObject target = SceneSampler.pick(rng, scene.objects());
    String c = target.colour().word;
    return single(Skill.VQA_SHAPE, scene, target.colour().name(), List.of(
            "What shape is the " + c + " object?", "Which shape is " + c + "?",
            "Name the shape of the " + c + " object.", "What is the shape of the " + c + " thing?"),
        target.shape().word, otherShape(rng, target.shape()).word,
        "What shape is the " + target.description() + "?");
  }

  private static Item vqaCount(SplittableRandom rng) {
    Shape target = SceneSampler.pick(rng, Shape.values());
    int k = rng.nextInt(0, 6);
    ShapeScene scene = countingScene(rng, target, k, k == 0 ? 1 : 0, 4);
    String p = target.plural;
    return single(Skill.VQA_COUNT, scene, target.name(), List.of(
            "How many " + p + " are there?", "Count the " + p + ".", "How many " + p + " can you see?",
            "What is the number of " + p + "?"),
        Integer.toString(k), Integer.toString(k == 0 ? 1 : k + (rng.nextBoolean() ? 1 : -1)), null);
  }

  /** {@code k} small objects of {@code target} plus {@code minOthers..maxOthers} of other shapes. */
  private static ShapeScene countingScene(SplittableRandom rng, Shape target, int k, int minOthers, int maxOthers) {
    List<Shape> shapes = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      shapes.add(target);
    }
    int others = rng.nextInt(minOthers, maxOthers + 1);
    for (int i = 0; i < others; i++) {
      shapes.add(otherShape(rng, target));
    }
    return SceneSampler.smallObjects(rng, shapes);
  }

  private static Item vqaPosition(SplittableRandom rng) {
    ShapeScene scene = SceneSampler.scene(rng, rng.nextInt(1, 4), Distinct.DESCRIPTIONS, 0.5);
    SceneObject target = SceneSampler.pick(rng, scene.objects());
    String d = target.description();
    return single(Skill.VQA_POSITION, scene, target.shape().name() + target.colour().name(), List.of(
            "Where is the " + d + "?", "In which part of the image is the " + d + "?",
            "Where is the " + d + " located?", "Which quadrant holds the " + d + "?"),
        target.quadrant(), otherQuadrant(rng, target.quadrant()), null);
  }

  /** Two turns: first the colour of a shape, then "where is it?" — the final turn is the position skill. */
  private static Item vqaPositionDialog(SplittableRandom rng) {
    ShapeScene scene = SceneSampler.scene(rng, rng.nextInt(1, 4), Distinct.SHAPES, 0.5);
    SceneObject target = SceneSampler.pick(rng, scene.objects());
    List<Turn> preamble = List.of(
        new Turn(true, "What colour is the " + target.shape().word + "?"), new Turn(false, target.colour().word));
    return new Item(Skill.VQA_POSITION, key(Skill.VQA_POSITION, "dialog", scene, target.shape().name()),
        List.of(scene), preamble, List.of("Where is it?", "And where is it?", "Where is it placed?"),
        target.quadrant(), otherQuadrant(rng, target.quadrant()), null);
  }

  // ---- language (no image)

  private static Item languageArith(SplittableRandom rng) {
    // operands up to 24: 950 distinct facts, so training covers a dense share of the fact space and the
    // held-out test facts are reachable by generalisation rather than pure recall
    int a = rng.nextInt(0, 25);
    int b = rng.nextInt(0, 25);
    boolean plus = rng.nextBoolean();
    if (!plus && a < b) {
      int t = a;
      a = b;
      b = t;
    }
    int result = plus ? a + b : a - b;
    String op = plus ? " + " : " - ";
    List<String> prompts = plus
        ? List.of("What is " + a + op + b + "?", "Compute " + a + op + b + ".", a + op + b + " = ?",
            "Add " + a + " and " + b + ".")
        : List.of("What is " + a + op + b + "?", "Compute " + a + op + b + ".", a + op + b + " = ?",
            "Subtract " + b + " from " + a + ".");
    int delta = rng.nextInt(1, 4) * (rng.nextBoolean() ? 1 : -1);
    int wrong = result + delta < 0 ? result - delta : result + delta;
    return new Item(Skill.LANGUAGE_ARITH, Skill.LANGUAGE_ARITH.label() + "|" + a + op.trim() + b, List.of(),
        List.of(), prompts, Integer.toString(result), Integer.toString(wrong), null);
  }

  private static Item languageWord(SplittableRandom rng) {
    String word;
    String reversed;
    do {
      word = pseudoWord(rng);
      reversed = new StringBuilder(word).reverse().toString();
    } while (word.equals(reversed));
    String w = word;
    return new Item(Skill.LANGUAGE_WORD, Skill.LANGUAGE_WORD.label() + "|" + word, List.of(), List.of(),
        List.of("Reverse the word " + w + ".", "Spell " + w + " backwards.", "Write " + w + " in reverse.",
            "What is " + w + " reversed?"),
        reversed, misspell(rng, reversed), null);
  }

  /** Pronounceable 3–5 letter strings (CVC, CVCV, CVCVC), so reversal must be done letter by letter. */
  private static String pseudoWord(SplittableRandom rng) {
    int length = rng.nextInt(3, 6);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      String letters = i % 2 == 0 ? CONSONANTS : VOWELS;
      sb.append(letters.charAt(rng.nextInt(letters.length())));
    }
    return sb.toString();
  }

  /** Swaps two neighbouring letters that differ. */
  private static String misspell(SplittableRandom rng, String s) {
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i + 1 < s.length(); i++) {
      if (s.charAt(i) != s.charAt(i + 1)) {
        positions.add(i);
      }
    }
    int i = SceneSampler.pick(rng, positions);
    char[] chars = s.toCharArray();
    char t = chars[i];
    chars[i] = chars[i + 1];
    chars[i + 1] = t;
    return new String(chars);
  }

  // ---- reasoning

  private static Item reasoningRelation(SplittableRandom rng) {
    String[] relations = {"left", "right", "above", "below"};
    while (true) {
      ShapeScene scene = SceneSampler.scene(rng, rng.nextInt(2, 4), Distinct.DESCRIPTIONS, 0.4);
      String relation = relations[rng.nextInt(relations.length)];
      List<SceneObject[]> pairs = new ArrayList<>();
      for (SceneObject a : scene.objects()) {
        for (SceneObject b : scene.objects()) {
          if (a != b && holds(relation, a, b)) {
            pairs.add(new SceneObject[] {a, b});
          }
        }
      }
      if (pairs.isEmpty()) {
        continue; // no pair differs along this axis: draw another scene
      }
      SceneObject[] pair = SceneSampler.pick(rng, pairs);
      SceneObject winner = pair[0];
      SceneObject loser = pair[1];
      boolean winnerFirst = rng.nextBoolean();
      String first = (winnerFirst ? winner : loser).description();
      String second = (winnerFirst ? loser : winner).description();
      List<String> prompts = switch (relation) {
        case "left" -> List.of("Which is further left, the " + first + " or the " + second + "?",
            "Which is more to the left: the " + first + " or the " + second + "?");
        case "right" -> List.of("Which is further right, the " + first + " or the " + second + "?",
            "Which is more to the right: the " + first + " or the " + second + "?");
        case "above" -> List.of("Which is higher, the " + first + " or the " + second + "?",
            "Which is nearer the top: the " + first + " or the " + second + "?");
        default -> List.of("Which is lower, the " + first + " or the " + second + "?",
            "Which is nearer the bottom: the " + first + " or the " + second + "?");
      };
      return single(Skill.REASONING_RELATION, scene, relation + "|" + first + "|" + second, prompts,
          winner.description(), loser.description(), null);
    }
  }

  /** Whether {@code a} is strictly further {@code relation} than {@code b} (by centres). */
  private static boolean holds(String relation, SceneObject a, SceneObject b) {
    return switch (relation) {
      case "left" -> a.centreX2() < b.centreX2();
      case "right" -> a.centreX2() > b.centreX2();
      case "above" -> a.centreY2() < b.centreY2();
      default -> a.centreY2() > b.centreY2();
    };
  }

  private static Item reasoningCompareCount(SplittableRandom rng) {
    Shape a = SceneSampler.pick(rng, Shape.values());
    Shape b = otherShape(rng, a);
    int countA = rng.nextInt(1, 6);
    int countB;
    do {
      countB = rng.nextInt(1, 6);
    } while (countB == countA);
    List<Shape> shapes = new ArrayList<>();
    for (int i = 0; i < countA; i++) {
      shapes.add(a);
    }
    for (int i = 0; i < countB; i++) {
      shapes.add(b);
    }
    int distractors = rng.nextInt(0, 3);
    for (int i = 0; i < distractors; i++) {
      Shape other;
      do {
        other = SceneSampler.pick(rng, Shape.values());
      } while (other == a || other == b);
      shapes.add(other);
    }
    ShapeScene scene = SceneSampler.smallObjects(rng, shapes);
    Shape more = countA > countB ? a : b;
    Shape fewer = more == a ? b : a;
    return single(Skill.REASONING_COMPARE_COUNT, scene, a.name() + "|" + b.name(), List.of(
            "Are there more " + a.plural + " or " + b.plural + "?",
            "Which is more common: " + a.plural + " or " + b.plural + "?",
            "Which are more numerous, " + a.plural + " or " + b.plural + "?"),
        more.plural, fewer.plural, null);
  }

  /** Reads a sum written in the image ("12+7") and adds it: OCR and arithmetic in one answer. */
  private static Item reasoningSum(SplittableRandom rng) {
    int a = rng.nextInt(0, 21);
    int b = rng.nextInt(0, 21);
    TextImage image = text(rng, a + "+" + b, 1);
    int delta = rng.nextInt(1, 3) * (rng.nextBoolean() ? 1 : -1);
    int wrong = a + b + delta < 0 ? a + b - delta : a + b + delta;
    return single(Skill.REASONING_SUM, image, "", List.of(
            "What is the sum shown?", "Compute the sum in the image.", "What does the image add up to?",
            "Solve the sum in the picture."),
        Integer.toString(a + b), Integer.toString(wrong), null);
  }

  // ---- OCR

  private static Item ocrDigits(SplittableRandom rng) {
    int digits = rng.nextInt(1, 5);
    int value = digits == 1 ? rng.nextInt(0, 10) : rng.nextInt(pow10(digits - 1), pow10(digits));
    String number = Integer.toString(value);
    int scale = number.length() <= 2 && rng.nextBoolean() ? 2 : 1;
    TextImage image = text(rng, number, scale);
    return single(Skill.OCR_DIGITS, image, "", List.of(
            "What number is written?", "Read the number in the image.", "What digits are shown?",
            "Which number do you see?"),
        number, changeOneDigit(rng, number), null);
  }

  private static String changeOneDigit(SplittableRandom rng, String number) {
    char[] chars = number.toCharArray();
    int i = rng.nextInt(chars.length);
    char replacement;
    do {
      replacement = (char) ('0' + rng.nextInt(10));
    } while (replacement == chars[i] || (i == 0 && replacement == '0' && chars.length > 1));
    chars[i] = replacement;
    return new String(chars);
  }

  private static Item ocrWord(SplittableRandom rng) {
    String word = SceneSampler.pick(rng, WORDS);
    TextImage image = text(rng, word, 1);
    String wrong;
    do {
      wrong = SceneSampler.pick(rng, WORDS);
    } while (wrong.equals(word));
    return single(Skill.OCR_WORD, image, "", List.of(
            "What word is written?", "Read the word in the image.", "What does the text say?",
            "Which word is shown?"),
        word.toLowerCase(Locale.ROOT), wrong.toLowerCase(Locale.ROOT), null);
  }

  /** Text at a random place with a one-pixel margin, in a random colour. */
  private static TextImage text(SplittableRandom rng, String text, int scale) {
    int w = BitmapFont.width(text, scale);
    int h = BitmapFont.height(scale);
    int x = rng.nextInt(1, Renderer.SIDE - w);
    int y = rng.nextInt(1, Renderer.SIDE - h);
    return new TextImage(SceneSampler.background(rng), text, x, y, scale, SceneSampler.pick(rng, Colour.values()));
  }

  // ---- grounding

  private static Item groundingBox(SplittableRandom rng) {
    ShapeScene scene = SceneSampler.scene(rng, rng.nextInt(1, 5), Distinct.DESCRIPTIONS, 0.4);
    SceneObject target = SceneSampler.pick(rng, scene.objects());
    String d = target.description();
    return single(Skill.GROUNDING_BOX, scene, target.shape().name() + target.colour().name(), List.of(
            "Give the box of the " + d + " on the 4x4 grid.", "Locate the " + d + " as [x0,y0,x1,y1] on a 4x4 grid.",
            "Where is the " + d + "? Answer with its grid box.", "Grid box of the " + d + "?"),
        target.box(), shiftedBox(rng, target), null);
  }

  /** Two turns: "which shape is red?" then "give its box". */
  private static Item groundingBoxDialog(SplittableRandom rng) {
    ShapeScene scene = SceneSampler.scene(rng, rng.nextInt(1, 5), Distinct.COLOURS, 0.4);
    SceneObject target = SceneSampler.pick(rng, scene.objects());
    List<Turn> preamble = List.of(
        new Turn(true, "Which shape is " + target.colour().word + "?"), new Turn(false, target.shape().word));
    return new Item(Skill.GROUNDING_BOX, key(Skill.GROUNDING_BOX, "dialog", scene, target.colour().name()),
        List.of(scene), preamble,
        List.of("Give its box on the 4x4 grid.", "Where is it on the 4x4 grid?", "Its grid box?"),
        target.box(), shiftedBox(rng, target), null);
  }

  /** The same box moved by one cell in a direction that stays on the grid. */
  private static String shiftedBox(SplittableRandom rng, SceneObject o) {
    List<int[]> moves = new ArrayList<>();
    int[][] all = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
    for (int[] m : all) {
      int c = o.col() + m[0];
      int r = o.row() + m[1];
      if (c >= 0 && r >= 0 && c + o.span() <= Renderer.GRID && r + o.span() <= Renderer.GRID) {
        moves.add(m);
      }
    }
    int[] m = SceneSampler.pick(rng, moves);
    int c = o.col() + m[0];
    int r = o.row() + m[1];
    return "[" + c + "," + r + "," + (c + o.span() - 1) + "," + (r + o.span() - 1) + "]";
  }

  private static Item groundingRefer(SplittableRandom rng) {
    ShapeScene scene = SceneSampler.scene(rng, rng.nextInt(1, 5), Distinct.DESCRIPTIONS, 0.4);
    SceneObject target = SceneSampler.pick(rng, scene.objects());
    String b = target.box();
    return single(Skill.GROUNDING_REFER, scene, b, List.of(
            "What is in box " + b + "?", "Which object fills grid box " + b + "?", "Name the object at " + b + ".",
            "What occupies " + b + " on the 4x4 grid?"),
        target.description(), SceneSampler.unusedColour(rng, scene).word + " " + target.shape().word, null);
  }

  // ---- multilingual (non-Latin questions and answers)

  private static Item colourZh(SplittableRandom rng) {
    ShapeScene scene = SceneSampler.scene(rng, rng.nextInt(1, 4), Distinct.SHAPES, 0.5);
    SceneObject target = SceneSampler.pick(rng, scene.objects());
    String s = target.shape().zh;
    return single(Skill.MULTILINGUAL_COLOUR_ZH, scene, target.shape().name(), List.of(
            "图中的" + s + "是什么颜色？", s + "是什么颜色？", "请问" + s + "是什么颜色？"),
        target.colour().zh, SceneSampler.unusedColour(rng, scene).zh, null);
  }

  private static Item shapeJa(SplittableRandom rng) {
    ShapeScene scene = SceneSampler.scene(rng, rng.nextInt(1, 4), Distinct.COLOURS, 0.5);
    SceneObject target = SceneSampler.pick(rng, scene.objects());
    String c = target.colour().jaAdjective;
    return single(Skill.MULTILINGUAL_SHAPE_JA, scene, target.colour().name(), List.of(
            c + "ものはどんな形ですか？", c + "図形の形は何ですか？", c + "ものの形は？"),
        target.shape().ja, otherShape(rng, target.shape()).ja, null);
  }

  private static Item countRu(SplittableRandom rng) {
    Shape target = SceneSampler.pick(rng, Shape.values());
    int k = rng.nextInt(1, 6);
    ShapeScene scene = countingScene(rng, target, k, 0, 3);
    String g = target.ruGenitivePlural;
    int wrong = k == 1 ? 2 : k == 5 ? 4 : k + (rng.nextBoolean() ? 1 : -1);
    return single(Skill.MULTILINGUAL_COUNT_RU, scene, target.name(), List.of(
            "Сколько здесь " + g + "?", "Сколько " + g + " на картинке?", "Сколько " + g + " на изображении?"),
        RU_NUMBERS[k], RU_NUMBERS[wrong], null);
  }

  // ---- multi-image

  private static Item multiImageMore(SplittableRandom rng) {
    int images = rng.nextInt(2, 4);
    int[] counts = new int[images];
    int best;
    do {
      for (int i = 0; i < images; i++) {
        counts[i] = rng.nextInt(1, 7);
      }
      best = uniqueMax(counts);
    } while (best < 0);
    List<Visual> visuals = new ArrayList<>();
    for (int count : counts) {
      List<Shape> shapes = new ArrayList<>();
      for (int j = 0; j < count; j++) {
        shapes.add(SceneSampler.pick(rng, Shape.values()));
      }
      visuals.add(SceneSampler.smallObjects(rng, shapes));
    }
    List<String> prompts = images == 2
        ? List.of("Which image has more objects?", "Which image shows more shapes?",
            "Which of the two images has more objects?")
        : List.of("Which image has the most objects?", "Which image shows the most shapes?",
            "Which of the three images has the most objects?");
    int wrong;
    do {
      wrong = rng.nextInt(images);
    } while (wrong == best);
    return multi(Skill.MULTIIMAGE_MORE, visuals, "", prompts, "image " + (best + 1), "image " + (wrong + 1));
  }

  private static int uniqueMax(int[] counts) {
    int best = 0;
    for (int i = 1; i < counts.length; i++) {
      if (counts[i] > counts[best]) {
        best = i;
      }
    }
    for (int i = 0; i < counts.length; i++) {
      if (i != best && counts[i] == counts[best]) {
        return -1;
      }
    }
    return best;
  }

  private static Item multiImageSameColour(SplittableRandom rng) {
    boolean same = rng.nextBoolean();
    Colour first = SceneSampler.pick(rng, Colour.values());
    Colour second;
    do {
      second = SceneSampler.pick(rng, Colour.values());
    } while (same != (second == first));
    List<Visual> visuals = new ArrayList<>();
    for (Colour colour : List.of(first, second)) {
      boolean[][] used = new boolean[Renderer.GRID][Renderer.GRID];
      SceneObject o = SceneSampler.place(rng, used, SceneSampler.pick(rng, Shape.values()), colour, rng.nextBoolean());
      visuals.add(new ShapeScene(SceneSampler.background(rng), List.of(o)));
    }
    return multi(Skill.MULTIIMAGE_SAME_COLOUR, visuals, "", List.of(
            "Do both images show the same colour?", "Are the two shapes the same colour?",
            "Same colour in both images?"),
        same ? "yes" : "no", same ? "no" : "yes");
  }

  /** Spot the difference: the second image is the first with one shape recoloured. */
  private static Item multiImageDiff(SplittableRandom rng) {
    ShapeScene before = SceneSampler.scene(rng, rng.nextInt(2, 4), Distinct.SHAPES, 0.5);
    int i = rng.nextInt(before.objects().size());
    SceneObject changed = before.objects().get(i);
    EnumSet<Colour> free = EnumSet.allOf(Colour.class);
    before.objects().forEach(o -> free.remove(o.colour()));
    List<Colour> candidates = new ArrayList<>(free);
    Colour now = SceneSampler.pick(rng, candidates);
    Colour wrong;
    do {
      wrong = SceneSampler.pick(rng, Colour.values());
    } while (wrong == now || wrong == changed.colour());
    List<SceneObject> objects = new ArrayList<>(before.objects());
    objects.set(i, changed.withColour(now));
    ShapeScene after = new ShapeScene(before.background(), objects);
    String shape = changed.shape().word;
    return multi(Skill.MULTIIMAGE_DIFF, List.of(before, after), "", List.of(
            "What changed in the second image?", "What is different in image 2?",
            "Spot the difference between the images."),
        shape + " turned " + now.word, shape + " turned " + wrong.word);
  }

  // ---- pretraining primitives (PRETRAIN release only, never tested): the world's vocabulary, broadly

  /**
   * Every object with its size, colour, shape and quadrant, in reading order: {@code small red circle top left,
   * big blue square bottom right}. A list, unlike {@code caption.detailed}'s sentence, so the task release still
   * has a format of its own to teach. Scenes whose longest wording and answer exceed the byte budget are drawn
   * again (a few three-object scenes with long words).
   */
  private static Item captionPlaces(SplittableRandom rng) {
    int longestPrompt = PLACES_PROMPTS.stream().mapToInt(Items::utf8).max().orElseThrow();
    while (true) {
      int n = weighted(rng, new int[] {0, 1, 2, 2}); // 1 object 20%, 2 objects 40%, 3 objects 40%
      ShapeScene scene = SceneSampler.scene(rng, n, Distinct.NONE, 0.4);
      String answer = placesCaption(scene);
      String wrong = placesCaption(recolourOne(rng, scene));
      if (longestPrompt + Math.max(utf8(answer), utf8(wrong)) <= SkillWorld.TEXT_BUDGET_BYTES) {
        return single(Skill.CAPTION_PLACES, scene, "", PLACES_PROMPTS, answer, wrong, null);
      }
    }
  }

  static String placesCaption(ShapeScene scene) {
    return scene.readingOrder().stream()
        .map(o -> o.sizeWord() + " " + o.description() + " " + o.quadrant())
        .collect(Collectors.joining(", "));
  }

  /** All objects of the scene, whatever their shape (1–9), unlike {@code vqa.count}'s "how many circles". */
  private static Item countAll(SplittableRandom rng) {
    int n = rng.nextInt(1, 10);
    ShapeScene scene;
    if (n <= 4) {
      scene = SceneSampler.scene(rng, n, Distinct.NONE, 0.3); // up to four big objects still fit the grid
    } else {
      List<Shape> shapes = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        shapes.add(SceneSampler.pick(rng, Shape.values()));
      }
      scene = SceneSampler.smallObjects(rng, shapes);
    }
    int wrong = n == 1 ? 2 : n == 9 ? 8 : n + (rng.nextBoolean() ? 1 : -1);
    return single(Skill.VQA_COUNT_ALL, scene, "", List.of(
            "How many objects are there?", "Count all the objects.", "How many shapes are in the image?",
            "How many things can you see?"),
        Integer.toString(n), Integer.toString(wrong), null);
  }

  /**
   * A random string of 1–5 capital letters and digits in the bitmap font (five is the most that fits 32 pixels
   * at scale 1). Never a word of {@link #WORDS} nor a number {@code ocr.digits} asks, so reading is learnt on
   * texts no OCR task shows.
   */
  private static Item ocrRead(SplittableRandom rng) {
    String text;
    do {
      int length = rng.nextInt(1, 6);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < length; i++) {
        sb.append(READ_SYMBOLS.charAt(rng.nextInt(READ_SYMBOLS.length())));
      }
      text = sb.toString();
    } while (WORDS.contains(text) || isOcrDigitsNumber(text));
    int scale = text.length() <= 2 && rng.nextBoolean() ? 2 : 1;
    TextImage image = text(rng, text, scale);
    return single(Skill.OCR_READ, image, "", List.of(
            "Read the text.", "What characters are written?", "Read the characters in the image.",
            "What is written here?"),
        text.toLowerCase(Locale.ROOT), changeOneSymbol(rng, text).toLowerCase(Locale.ROOT), null);
  }

  /** Whether {@code ocr.digits} could ask for {@code text}: 1–4 digits, no leading zero unless a single digit. */
  static boolean isOcrDigitsNumber(String text) {
    return text.length() <= 4 && text.chars().allMatch(Character::isDigit)
        && (text.length() == 1 || text.charAt(0) != '0');
  }

  /** One symbol replaced by another of its kind (a letter by a letter, a digit by a digit). */
  private static String changeOneSymbol(SplittableRandom rng, String text) {
    char[] chars = text.toCharArray();
    int i = rng.nextInt(chars.length);
    String kind = Character.isDigit(chars[i]) ? READ_SYMBOLS.substring(26) : READ_SYMBOLS.substring(0, 26);
    char replacement;
    do {
      replacement = kind.charAt(rng.nextInt(kind.length()));
    } while (replacement == chars[i]);
    chars[i] = replacement;
    return new String(chars);
  }

  /**
   * Text only: translates a list of 1–3 words between English and a script the multilingual skills use, in
   * either direction: {@code Say red cross in Chinese.} → {@code 红色 十字形}. The words are exactly those of the
   * multilingual skills: Chinese colours (the answers of {@code multilingual.colour_zh}) and shapes (its
   * questions), Japanese shapes (the answers of {@code multilingual.shape_ja}) and colour adjectives (its
   * questions), Russian number words (the answers of {@code multilingual.count_ru}) for the digits 0–9. Lists
   * rather than single words give enough distinct items for the no-repeat rule while every word recurs often.
   */
  private static Item vocabulary(SplittableRandom rng) {
    Vocabulary vocabulary = SceneSampler.pick(rng, Vocabulary.values());
    List<Integer> entries = new ArrayList<>();
    int n = rng.nextInt(1, 4);
    while (entries.size() < n) {
      int e = rng.nextInt(vocabulary.size());
      if (!entries.contains(e)) {
        entries.add(e);
      }
    }
    boolean toScript = rng.nextBoolean();
    int replaced = rng.nextInt(n);
    List<Integer> wrongEntries = new ArrayList<>(entries);
    int other;
    do {
      other = rng.nextInt(vocabulary.size());
    } while (entries.contains(other));
    wrongEntries.set(replaced, other);
    String english = vocabulary.english(entries);
    String script = vocabulary.script(entries);
    String asked = toScript ? english : script;
    String language = vocabulary.language;
    List<String> prompts = toScript
        ? List.of("Say " + asked + " in " + language + ".", asked + " in " + language + "?",
            "Translate to " + language + ": " + asked, "What is " + asked + " in " + language + "?")
        : vocabulary.englishWords
            ? List.of("Say " + asked + " in English.", asked + " in English?", "Translate to English: " + asked,
                "What is " + asked + " in English?")
            : List.of("Write " + asked + " in digits.", asked + " in digits?", "Which digits are " + asked + "?");
    String key = Skill.LANGUAGE_VOCAB.label() + "|" + vocabulary.name() + "|" + (toScript ? "to" : "from") + "|"
        + entries.stream().map(String::valueOf).collect(Collectors.joining(","));
    return new Item(Skill.LANGUAGE_VOCAB, key, List.of(), List.of(), prompts,
        toScript ? script : english,
        toScript ? vocabulary.script(wrongEntries) : vocabulary.english(wrongEntries), null);
  }

  /** The words of one script, each paired with its English word or digit. */
  private enum Vocabulary {
    CHINESE("Chinese", true) {
      @Override
      String englishWord(int i) {
        return i < Colour.values().length ? Colour.values()[i].word : Shape.values()[i - Colour.values().length].word;
      }

      @Override
      String scriptWord(int i) {
        return i < Colour.values().length ? Colour.values()[i].zh : Shape.values()[i - Colour.values().length].zh;
      }
    },
    JAPANESE("Japanese", true) {
      @Override
      String englishWord(int i) {
        return i < Shape.values().length ? Shape.values()[i].word : Colour.values()[i - Shape.values().length].word;
      }

      @Override
      String scriptWord(int i) {
        return i < Shape.values().length
            ? Shape.values()[i].ja : Colour.values()[i - Shape.values().length].jaAdjective;
      }
    },
    RUSSIAN("Russian", false) {
      @Override
      String englishWord(int i) {
        return Integer.toString(i);
      }

      @Override
      String scriptWord(int i) {
        return RU_NUMBERS[i];
      }
    };

    final String language;
    /** English words on the Latin side; false for digits. */
    final boolean englishWords;

    Vocabulary(String language, boolean englishWords) {
      this.language = language;
      this.englishWords = englishWords;
    }

    int size() {
      return this == RUSSIAN ? RU_NUMBERS.length : Colour.values().length + Shape.values().length;
    }

    abstract String englishWord(int i);

    abstract String scriptWord(int i);

    String english(List<Integer> entries) {
      return entries.stream().map(this::englishWord).collect(Collectors.joining(" "));
    }

    String script(List<Integer> entries) {
      return entries.stream().map(this::scriptWord).collect(Collectors.joining(" "));
    }
  }

  // ---- helpers

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static Item single(Skill skill, Visual visual, String asked, List<String> prompts, String answer,
      String wrong, String blind) {
    return new Item(skill, key(skill, "", visual, asked), List.of(visual), List.of(), prompts, answer, wrong, blind);
  }

  private static Item multi(Skill skill, List<Visual> visuals, String asked, List<String> prompts, String answer,
      String wrong) {
    String content = visuals.stream().map(Visual::key).collect(Collectors.joining("/"));
    return new Item(skill, skill.label() + "||" + content + "|" + asked, visuals, List.of(), prompts, answer,
        wrong, null);
  }

  /** {@code skill|variant|visual content|what is asked}: everything but noise, shade and wording. */
  private static String key(Skill skill, String variant, Visual visual, String asked) {
    return skill.label() + "|" + variant + "|" + visual.key() + "|" + asked;
  }

  private static Shape otherShape(SplittableRandom rng, Shape shape) {
    Shape other;
    do {
      other = SceneSampler.pick(rng, Shape.values());
    } while (other == shape);
    return other;
  }

  private static String otherQuadrant(SplittableRandom rng, String quadrant) {
    List<String> quadrants = new ArrayList<>(List.of("top left", "top right", "bottom left", "bottom right"));
    quadrants.remove(quadrant);
    return SceneSampler.pick(rng, quadrants);
  }

  private static String joinAnd(List<String> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
  }

  /** Index drawn with the given integer weights. */
  private static int weighted(SplittableRandom rng, int[] weights) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int r = rng.nextInt(total);
    for (int i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) {
        return i;
      }
    }
    throw new IllegalStateException();
  }

  private static int pow10(int n) {
    int v = 1;
    for (int i = 0; i < n; i++) {
      v *= 10;
    }
    return v;
  }
}
