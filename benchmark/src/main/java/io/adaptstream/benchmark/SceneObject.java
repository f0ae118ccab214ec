package io.adaptstream.benchmark;

/**
 * One shape in a scene, placed on the 4×4 grid of 8-pixel cells. A small object fills one cell, a large one a
 * 2×2 block that starts on an even cell, so every object lies clearly in one quadrant and its box is a whole
 * number of cells (which the grounding skills answer with).
 */
record SceneObject(Shape shape, Colour colour, boolean large, int col, int row) {

  SceneObject {
    int span = large ? 2 : 1;
    if (col < 0 || row < 0 || col + span > Renderer.GRID || row + span > Renderer.GRID) {
      throw new IllegalArgumentException("object outside the grid: " + col + "," + row);
    }
    if (large && (col % 2 != 0 || row % 2 != 0)) {
      throw new IllegalArgumentException("large objects start on even cells");
    }
  }

  int span() {
    return large ? 2 : 1;
  }

  boolean occupies(int c, int r) {
    return c >= col && c < col + span() && r >= row && r < row + span();
  }

  /** {@code "red circle"}. */
  String description() {
    return colour.word + " " + shape.word;
  }

  /** The quadrant, {@code "top left"} etc. */
  String quadrant() {
    return verticalHalf() + " " + horizontalHalf();
  }

  String verticalHalf() {
    return row < Renderer.GRID / 2 ? "top" : "bottom";
  }

  String horizontalHalf() {
    return col < Renderer.GRID / 2 ? "left" : "right";
  }

  /** Doubled centre column/row in cells (integers, so comparisons are exact). */
  int centreX2() {
    return 2 * col + span();
  }

  int centreY2() {
    return 2 * row + span();
  }

  /** Inclusive cell box {@code [x0,y0,x1,y1]} on the 4×4 grid. */
  String box() {
    return "[" + col + "," + row + "," + (col + span() - 1) + "," + (row + span() - 1) + "]";
  }

  String sizeWord() {
    return large ? "big" : "small";
  }

  SceneObject withColour(Colour newColour) {
    return new SceneObject(shape, newColour, large, col, row);
  }

  /** The semantic identity used in item keys (no noise, no background shade). */
  String key() {
    return "" + shape.ordinal() + colour.ordinal() + (large ? "L" : "s") + col + row;
  }
}
