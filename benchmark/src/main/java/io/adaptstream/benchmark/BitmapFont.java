package io.adaptstream.benchmark;

import java.util.Map;

/**
 * A 5×7 bitmap font for digits, capital letters and {@code +}, drawn pixel by pixel.
 *
 * <p>Hand-written instead of rendering with {@code java.awt.Font}: system fonts differ between machines (and
 * may be missing on a headless server), which would make the OCR images, and so the benchmark, depend on where
 * it was generated.
 */
final class BitmapFont {

  static final int WIDTH = 5;
  static final int HEIGHT = 7;
  /** Blank columns between two glyphs, before scaling. */
  static final int SPACING = 1;

  private static final Map<Character, String[]> GLYPHS = Map.ofEntries(
      glyph('0', ".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."),
      glyph('1', "..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."),
      glyph('2', ".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"),
      glyph('3', "#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."),
      glyph('4', "...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."),
      glyph('5', "#####", "#....", "####.", "....#", "....#", "#...#", ".###."),
      glyph('6', "..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."),
      glyph('7', "#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."),
      glyph('8', ".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."),
      glyph('9', ".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."),
      glyph('+', ".....", "..#..", "..#..", "#####", "..#..", "..#..", "....."),
      glyph('A', ".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
      glyph('B', "####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."),
      glyph('C', ".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."),
      glyph('D', "###..", "#..#.", "#...#", "#...#", "#...#", "#..#.", "###.."),
      glyph('E', "#####", "#....", "#....", "####.", "#....", "#....", "#####"),
      glyph('F', "#####", "#....", "#....", "####.", "#....", "#....", "#...."),
      glyph('G', ".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"),
      glyph('H', "#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
      glyph('I', ".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."),
      glyph('J', "..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."),
      glyph('K', "#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"),
      glyph('L', "#....", "#....", "#....", "#....", "#....", "#....", "#####"),
      glyph('M', "#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"),
      glyph('N', "#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"),
      glyph('O', ".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
      glyph('P', "####.", "#...#", "#...#", "####.", "#....", "#....", "#...."),
      glyph('Q', ".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"),
      glyph('R', "####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"),
      glyph('S', ".####", "#....", "#....", ".###.", "....#", "....#", "####."),
      glyph('T', "#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."),
      glyph('U', "#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
      glyph('V', "#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."),
      glyph('W', "#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."),
      glyph('X', "#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"),
      glyph('Y', "#...#", "#...#", "#...#", ".#.#.", "..#..", "..#..", "..#.."),
      glyph('Z', "#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"));

  private BitmapFont() {}

  private static Map.Entry<Character, String[]> glyph(char c, String... rows) {
    if (rows.length != HEIGHT) {
      throw new IllegalArgumentException("glyph " + c + " has " + rows.length + " rows");
    }
    for (String row : rows) {
      if (row.length() != WIDTH) {
        throw new IllegalArgumentException("glyph " + c + " row '" + row + "'");
      }
    }
    return Map.entry(c, rows);
  }

  static boolean supports(char c) {
    return GLYPHS.containsKey(c);
  }

  /** Whether pixel {@code (x, y)} of glyph {@code c} (unscaled, 0 ≤ x < 5, 0 ≤ y < 7) is ink. */
  static boolean ink(char c, int x, int y) {
    String[] rows = GLYPHS.get(c);
    if (rows == null) {
      throw new IllegalArgumentException("no glyph for '" + c + "'");
    }
    return rows[y].charAt(x) == '#';
  }

  /** Width in pixels of {@code text} drawn at {@code scale}. */
  static int width(String text, int scale) {
    return (text.length() * (WIDTH + SPACING) - SPACING) * scale;
  }

  static int height(int scale) {
    return HEIGHT * scale;
  }
}
