package io.adaptstream.cli.run.experiment;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of an experiment run's directory: {@code <method>-s<seed>}, or {@code <method>-s<seed>-<attempt>} for
 * the attempts after an interrupted one. {@link ExperimentJob} names runs with it and {@link Sweep} reads them
 * back, so the two cannot drift apart ({@code scripts/results-sync.sh} matches the same shape).
 */
public record RunName(String method, long seed, int attempt) {

  private static final Pattern SHAPE = Pattern.compile("^(.+)-s(\\d+)(?:-(\\d+))?$");

  public RunName {
    if (method == null || method.isEmpty()) {
      throw new IllegalArgumentException("a run name needs a method");
    }
    if (seed < 0 || attempt < 1) {
      throw new IllegalArgumentException("seed must be >= 0 and attempt >= 1, got " + seed + " and " + attempt);
    }
  }

  /** The first attempt of {@code method} at {@code seed}. */
  public static RunName first(String method, long seed) {
    return new RunName(method, seed, 1);
  }

  /** The name a directory called {@code id} stands for, or empty when it is not a run's. */
  public static Optional<RunName> parse(String id) {
    Matcher m = SHAPE.matcher(id);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      int attempt = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
      return attempt < 2 && m.group(3) != null ? Optional.empty()
          : Optional.of(new RunName(m.group(1), Long.parseLong(m.group(2)), attempt));
    } catch (NumberFormatException e) {
      return Optional.empty(); // digits past the range of a seed or an attempt: not a name this code wrote
    }
  }

  /** The next attempt, after this one was interrupted. */
  public RunName next() {
    return new RunName(method, seed, attempt + 1);
  }

  /** The directory name: the first attempt carries no suffix. */
  public String id() {
    return attempt == 1 ? method + "-s" + seed : method + "-s" + seed + "-" + attempt;
  }
}
