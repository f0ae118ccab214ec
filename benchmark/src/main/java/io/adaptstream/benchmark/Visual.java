package io.adaptstream.benchmark;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What one image of a sample shows, before pixel noise. The same visual rendered with another noise seed is a
 * near-duplicate: same content, different bytes.
 */
sealed interface Visual {

  /** The semantic identity (no noise, no background shade), part of the item key. */
  String key();

  /** Background grey level (0–255) before noise. */
  int background();

  /** Shapes on the 4×4 grid. */
  record ShapeScene(int background, List<SceneObject> objects) implements Visual {
    public ShapeScene {
      objects = List.copyOf(objects);
    }

    @Override
    public String key() {
      return objects.stream().map(SceneObject::key).sorted().collect(Collectors.joining("."));
    }

    /** Objects in reading order: by row, then column (captions list them this way). */
    List<SceneObject> readingOrder() {
      return objects.stream()
          .sorted((a, b) -> a.row() != b.row() ? Integer.compare(a.row(), b.row()) : Integer.compare(a.col(), b.col()))
          .toList();
    }
  }

  /** Text in the bitmap font, top-left corner at pixel {@code (x, y)}. */
  record TextImage(int background, String text, int x, int y, int scale, Colour colour) implements Visual {
    public TextImage {
      for (char c : text.toCharArray()) {
        if (!BitmapFont.supports(c)) {
          throw new IllegalArgumentException("no glyph for '" + c + "'");
        }
      }
      if (x < 0 || y < 0 || x + BitmapFont.width(text, scale) > Renderer.SIDE
          || y + BitmapFont.height(scale) > Renderer.SIDE) {
        throw new IllegalArgumentException("text does not fit: " + text);
      }
    }

    @Override
    public String key() {
      return text + "@" + x + "," + y + "x" + scale + "c" + colour.ordinal();
    }
  }
}
