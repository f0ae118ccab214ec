package io.adaptstream.benchmark;

/**
 * The skills of the world. The label is {@code <group>.<name>}; the group (text before the first dot) is one
 * of the paper's skill families, so results can be read per skill and per family.
 *
 * <p>Most skills are <em>task</em> skills: they are tested in their home release and count in the average
 * accuracy. A few are <em>pretraining primitives</em> ({@link #tested()} is false): they exist only in the
 * PRETRAIN release, to give the from-scratch base model the world's vocabulary (colours, shapes, sizes,
 * places, counting, reading, the non-Latin words) before any task release, and are never evaluated.
 */
public enum Skill {
  CAPTION_BRIEF("caption.brief"),
  CAPTION_PLACES("caption.places", false),
  VQA_COUNT_ALL("vqa.count_all", false),
  OCR_READ("ocr.read", false),
  LANGUAGE_VOCAB("language.vocab", false),
  VQA_COLOUR("vqa.colour"),
  VQA_SHAPE("vqa.shape"),
  VQA_COUNT("vqa.count"),
  VQA_POSITION("vqa.position"),
  LANGUAGE_ARITH("language.arith"),
  LANGUAGE_WORD("language.word"),
  REASONING_RELATION("reasoning.relation"),
  REASONING_COMPARE_COUNT("reasoning.compare_count"),
  OCR_DIGITS("ocr.digits"),
  GROUNDING_REFER("grounding.refer"),
  MULTILINGUAL_COLOUR_ZH("multilingual.colour_zh"),
  MULTILINGUAL_SHAPE_JA("multilingual.shape_ja"),
  MULTILINGUAL_COUNT_RU("multilingual.count_ru"),
  CAPTION_DETAILED("caption.detailed"),
  MULTIIMAGE_MORE("multiimage.more"),
  MULTIIMAGE_SAME_COLOUR("multiimage.same_colour"),
  MULTIIMAGE_DIFF("multiimage.diff"),
  GROUNDING_BOX("grounding.box"),
  OCR_WORD("ocr.word"),
  REASONING_SUM("reasoning.sum");

  private final String label;
  private final boolean tested;

  Skill(String label) {
    this(label, true);
  }

  Skill(String label, boolean tested) {
    this.label = label;
    this.tested = tested;
  }

  /** {@code <group>.<name>}, as written in the {@code skill} field of every sample. */
  public String label() {
    return label;
  }

  /** The skill family: the label up to its first dot. */
  public String group() {
    return label.substring(0, label.indexOf('.'));
  }

  /**
   * Whether the skill has a test split and so counts in the average accuracy. False for the pretraining
   * primitives: they appear only in the PRETRAIN release and are never evaluated.
   */
  public boolean tested() {
    return tested;
  }

  /** Whether samples of this skill carry images (language skills are text only). */
  boolean visual() {
    return !group().equals("language");
  }

  public static Skill ofLabel(String label) {
    for (Skill skill : values()) {
      if (skill.label.equals(label)) {
        return skill;
      }
    }
    throw new IllegalArgumentException("unknown skill: " + label);
  }
}
