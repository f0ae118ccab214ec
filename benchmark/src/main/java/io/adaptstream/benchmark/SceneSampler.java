package io.adaptstream.benchmark;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/** Draws shape scenes on the 4×4 grid: non-overlapping objects, with the distinctness a question needs. */
final class SceneSampler {

  /** Which attribute must differ between the objects, so that "the circle" or "the red object" is unique. */
  enum Distinct { NONE, SHAPES, COLOURS, DESCRIPTIONS }

  private static final int[][] LARGE_SLOTS = {{0, 0}, {2, 0}, {0, 2}, {2, 2}};

  private SceneSampler() {}

  /** A dark grey background level; the colours are all far brighter. */
  static int background(SplittableRandom rng) {
    return rng.nextInt(20, 61);
  }

  /** {@code count} objects (1–8), each large with probability {@code largeProbability} where there is room. */
  static Visual.ShapeScene scene(SplittableRandom rng, int count, Distinct distinct, double largeProbability) {
    List<Shape> shapes = new ArrayList<>();
    List<Colour> colours = new ArrayList<>();
    Set<String> pairs = new HashSet<>();
    while (shapes.size() < count) {
      Shape s = pick(rng, Shape.values());
      Colour c = pick(rng, Colour.values());
      boolean clash = switch (distinct) {
        case NONE -> false;
        case SHAPES -> shapes.contains(s);
        case COLOURS -> colours.contains(c);
        case DESCRIPTIONS -> pairs.contains(s + "/" + c);
      };
      if (!clash) {
        shapes.add(s);
        colours.add(c);
        pairs.add(s + "/" + c);
      }
    }
    boolean[][] used = new boolean[Renderer.GRID][Renderer.GRID];
    List<SceneObject> objects = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      boolean large = rng.nextDouble() < largeProbability;
      objects.add(place(rng, used, shapes.get(i), colours.get(i), large));
    }
    return new Visual.ShapeScene(background(rng), objects);
  }

  /** Small objects with exactly the given shapes (in any cells), random colours. */
  static Visual.ShapeScene smallObjects(SplittableRandom rng, List<Shape> shapes) {
    boolean[][] used = new boolean[Renderer.GRID][Renderer.GRID];
    List<SceneObject> objects = new ArrayList<>();
    for (Shape shape : shapes) {
      objects.add(place(rng, used, shape, pick(rng, Colour.values()), false));
    }
    return new Visual.ShapeScene(background(rng), objects);
  }

  /** Places one object in a free slot; falls back to a small object when no 2×2 block is free. */
  static SceneObject place(SplittableRandom rng, boolean[][] used, Shape shape, Colour colour, boolean large) {
    if (large) {
      List<int[]> free = new ArrayList<>();
      for (int[] slot : LARGE_SLOTS) {
        int c = slot[0];
        int r = slot[1];
        if (!used[c][r] && !used[c + 1][r] && !used[c][r + 1] && !used[c + 1][r + 1]) {
          free.add(slot);
        }
      }
      if (!free.isEmpty()) {
        int[] slot = free.get(rng.nextInt(free.size()));
        for (int dc = 0; dc < 2; dc++) {
          for (int dr = 0; dr < 2; dr++) {
            used[slot[0] + dc][slot[1] + dr] = true;
          }
        }
        return new SceneObject(shape, colour, true, slot[0], slot[1]);
      }
    }
    List<int[]> free = new ArrayList<>();
    for (int r = 0; r < Renderer.GRID; r++) {
      for (int c = 0; c < Renderer.GRID; c++) {
        if (!used[c][r]) {
          free.add(new int[] {c, r});
        }
      }
    }
    if (free.isEmpty()) {
      throw new IllegalStateException("grid full");
    }
    int[] cell = free.get(rng.nextInt(free.size()));
    used[cell[0]][cell[1]] = true;
    return new SceneObject(shape, colour, false, cell[0], cell[1]);
  }

  static <T> T pick(SplittableRandom rng, T[] values) {
    return values[rng.nextInt(values.length)];
  }

  static <T> T pick(SplittableRandom rng, List<T> values) {
    return values.get(rng.nextInt(values.size()));
  }

  /** A colour none of the scene's objects has (there are always some: scenes use at most 4 colours here). */
  static Colour unusedColour(SplittableRandom rng, Visual.ShapeScene scene) {
    EnumSet<Colour> free = EnumSet.allOf(Colour.class);
    scene.objects().forEach(o -> free.remove(o.colour()));
    if (free.isEmpty()) {
      throw new IllegalStateException("no unused colour");
    }
    return pick(rng, new ArrayList<>(free));
  }
}
