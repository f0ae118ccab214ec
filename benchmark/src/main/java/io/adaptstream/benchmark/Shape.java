package io.adaptstream.benchmark;

/**
 * The four shapes of the world, with their words in the languages the benchmark asks in.
 *
 * <p>Four shapes whose silhouettes differ even at 6×6 pixels (a disc, a filled square, an upward triangle, a
 * plus sign). All four Russian nouns are masculine, so one set of number words fits every count question.
 */
enum Shape {
  CIRCLE("circle", "circles", "圆形", "円", "кругов"),
  SQUARE("square", "squares", "正方形", "四角", "квадратов"),
  TRIANGLE("triangle", "triangles", "三角形", "三角", "треугольников"),
  CROSS("cross", "crosses", "十字形", "十字", "крестов");

  final String word;
  final String plural;
  final String zh;
  final String ja;
  /** Russian genitive plural, as used after «Сколько». */
  final String ruGenitivePlural;

  Shape(String word, String plural, String zh, String ja, String ruGenitivePlural) {
    this.word = word;
    this.plural = plural;
    this.zh = zh;
    this.ja = ja;
    this.ruGenitivePlural = ruGenitivePlural;
  }

  /**
   * Whether pixel {@code (x, y)} of a {@code side}×{@code side} box belongs to the shape. Tested at pixel
   * centres in doubled integer coordinates, so every JVM draws exactly the same pixels.
   */
  boolean covers(int x, int y, int side) {
    int dx = 2 * x + 1 - side; // doubled offset of the pixel centre from the box centre
    int dy = 2 * y + 1 - side;
    return switch (this) {
      case SQUARE -> true;
      // radius (side-1)/2 rather than side/2: at 6×6 the full radius would only drop the four corners
      case CIRCLE -> dx * dx + dy * dy <= (side - 1) * (side - 1) + 1;
      // apex at the top centre, base on the bottom row
      case TRIANGLE -> Math.abs(dx) <= y + 1;
      case CROSS -> Math.abs(dx) <= side / 3 || Math.abs(dy) <= side / 3;
    };
  }
}
