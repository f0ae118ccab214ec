package io.adaptstream.cli;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Set;

/** Run ids of demos and replays: {@code <method>-<yyyyMMdd-HHmmss>}, e.g. {@code adapt-20261122-101502}. */
final class RunIds {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  private static final Set<String> ISSUED = new HashSet<>();

  private RunIds() {}

  /** A new id, never one issued before in this process nor {@code avoid}; a clash gets a suffix ({@code -2}). */
  static String next(String method, String avoid) {
    return next(method, avoid, LocalDateTime.now());
  }

  static synchronized String next(String method, String avoid, LocalDateTime now) {
    String base = method + "-" + now.format(TIME);
    String id = base;
    for (int i = 2; id.equals(avoid) || ISSUED.contains(id); i++) {
      id = base + "-" + i;
    }
    ISSUED.add(id);
    return id;
  }
}
