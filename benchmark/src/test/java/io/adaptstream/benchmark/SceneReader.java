package io.adaptstream.benchmark;

import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * Reads the objects of a rendered shape scene back from its pixels: every 4-connected blob of ink is one object
 * (objects keep one pixel of background on every side, so two never touch); its box gives size and cell, its
 * pixels the palette colour and, by exact comparison with {@link Shape#covers}, the shape.
 */
final class SceneReader {

  private SceneReader() {}

  /** The objects in reading order (by row, then column); fails if a blob is not exactly one of the world's shapes. */
  static List<SceneObject> read(BufferedImage image) {
    int side = image.getWidth();
    boolean[][] seen = new boolean[side][side];
    List<SceneObject> objects = new ArrayList<>();
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        if (!seen[x][y] && BitmapTextReader.ink(image, x, y)) {
          objects.add(object(image, blob(image, x, y, seen)));
        }
      }
    }
    objects.sort(Comparator.comparingInt(SceneObject::row).thenComparingInt(SceneObject::col));
    return objects;
  }

  private static List<int[]> blob(BufferedImage image, int x0, int y0, boolean[][] seen) {
    List<int[]> pixels = new ArrayList<>();
    Deque<int[]> todo = new ArrayDeque<>();
    todo.add(new int[] {x0, y0});
    seen[x0][y0] = true;
    while (!todo.isEmpty()) {
      int[] p = todo.poll();
      pixels.add(p);
      for (int[] d : new int[][] {{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
        int x = p[0] + d[0];
        int y = p[1] + d[1];
        if (x >= 0 && y >= 0 && x < image.getWidth() && y < image.getHeight() && !seen[x][y]
            && BitmapTextReader.ink(image, x, y)) {
          seen[x][y] = true;
          todo.add(new int[] {x, y});
        }
      }
    }
    return pixels;
  }

  private static SceneObject object(BufferedImage image, List<int[]> pixels) {
    int left = pixels.stream().mapToInt(p -> p[0]).min().orElseThrow();
    int top = pixels.stream().mapToInt(p -> p[1]).min().orElseThrow();
    int right = pixels.stream().mapToInt(p -> p[0]).max().orElseThrow();
    int bottom = pixels.stream().mapToInt(p -> p[1]).max().orElseThrow();
    int side = right - left + 1;
    if (side != bottom - top + 1 || (side != Renderer.CELL - 2 && side != 2 * Renderer.CELL - 2)) {
      throw new AssertionError("blob at " + left + "," + top + " is not an object box: " + side);
    }
    boolean[][] mask = new boolean[side][side];
    pixels.forEach(p -> mask[p[0] - left][p[1] - top] = true);
    Shape shape = null;
    for (Shape candidate : Shape.values()) {
      boolean all = true;
      for (int y = 0; y < side && all; y++) {
        for (int x = 0; x < side && all; x++) {
          all = candidate.covers(x, y, side) == mask[x][y];
        }
      }
      if (all) {
        shape = candidate;
      }
    }
    if (shape == null) {
      throw new AssertionError("blob at " + left + "," + top + " is no shape of the world");
    }
    return new SceneObject(shape, colour(image, pixels), side > Renderer.CELL, (left - 1) / Renderer.CELL,
        (top - 1) / Renderer.CELL);
  }

  /** The palette colour every pixel of the blob is within noise of. */
  private static Colour colour(BufferedImage image, List<int[]> pixels) {
    for (Colour c : Colour.values()) {
      boolean all = pixels.stream().allMatch(p -> {
        int rgb = image.getRGB(p[0], p[1]);
        return Math.abs(((rgb >> 16) & 0xff) - c.r) <= Renderer.NOISE
            && Math.abs(((rgb >> 8) & 0xff) - c.g) <= Renderer.NOISE
            && Math.abs((rgb & 0xff) - c.b) <= Renderer.NOISE;
      });
      if (all) {
        return c;
      }
    }
    throw new AssertionError("blob of no palette colour");
  }
}
