package io.adaptstream.benchmark;

/**
 * The six colours of the world, with the words every language skill uses for them.
 *
 * <p>Saturated, far-apart RGB values on a dark background, so each colour survives the model's 32×32 input and
 * the per-pixel noise (±{@value Renderer#NOISE}) without being confused with another.
 */
enum Colour {
  RED("red", 220, 40, 40, "红色", "赤い"),
  GREEN("green", 40, 190, 60, "绿色", "緑の"),
  BLUE("blue", 40, 80, 240, "蓝色", "青い"),
  YELLOW("yellow", 235, 215, 40, "黄色", "黄色い"),
  PURPLE("purple", 160, 50, 210, "紫色", "紫の"),
  WHITE("white", 235, 235, 235, "白色", "白い");

  final String word;
  final int r;
  final int g;
  final int b;
  /** Chinese colour noun, e.g. 红色. */
  final String zh;
  /** Japanese attributive form, e.g. 赤い (赤いもの = the red thing). */
  final String jaAdjective;

  Colour(String word, int r, int g, int b, String zh, String jaAdjective) {
    this.word = word;
    this.r = r;
    this.g = g;
    this.b = b;
    this.zh = zh;
    this.jaAdjective = jaAdjective;
  }
}
