package io.adaptstream.cli.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The accuracy matrix as the dashboard draws it (a heatmap): the JSON contract of the {@code "matrix"} field of
 * {@code adapt status --json}, so that whatever computes the matrix hands it over in one shape:
 *
 * <pre>{@code
 * "matrix": {"versions": [0, 1, 2], "columns": ["vqa.colour", "caption.brief"],
 *            "values": [[0.1, 0.9], [0.4, null], [0.3, 0.7]],
 *            "summary": {"forgetting": 0.1, "bwt": -0.05, "fwt": 0.02}}
 * }</pre>
 *
 * {@code values[i][j]} is the accuracy of model version {@code versions[i]} on column {@code columns[j]} (a skill,
 * or a release's test split), in [0, 1], or null where that version was not evaluated on it; {@code summary}
 * (optional) holds named scalar metrics of the matrix, shown under it. {@link #fromStatusJson} also reads the
 * continual-learning metrics' shape ({@code "matrix": {"versions", "skills": {"columns", "accuracy", "metrics"}}}):
 * the skill matrix, with its scalar metrics as the summary.
 */
public record MatrixView(List<Integer> versions, List<String> columns, List<List<Double>> values,
    Map<String, Double> summary) {

  public MatrixView {
    versions = List.copyOf(versions);
    columns = List.copyOf(columns);
    if (values.size() != versions.size()) {
      throw new IllegalArgumentException(values.size() + " rows for " + versions.size() + " versions");
    }
    List<List<Double>> rows = new ArrayList<>();
    for (List<Double> row : values) {
      if (row.size() != columns.size()) {
        throw new IllegalArgumentException("a row of " + row.size() + " cells for " + columns.size() + " columns");
      }
      rows.add(java.util.Collections.unmodifiableList(new ArrayList<>(row)));
    }
    values = List.copyOf(rows);
    summary = summary == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(summary));
  }

  /**
   * The {@code "matrix"} field of a status JSON object ({@code adapt status --json}), or empty when it has none
   * (or null).
   *
   * @throws IllegalArgumentException when the field is there but not in the contract's shape
   */
  public static Optional<MatrixView> fromStatusJson(JsonNode status) {
    JsonNode m = status == null ? null : status.get("matrix");
    if (m == null || m.isNull()) {
      return Optional.empty();
    }
    List<Integer> versions = new ArrayList<>();
    require(m, "versions").forEach(v -> versions.add(v.asInt()));
    JsonNode skills = m.get("skills");
    if (skills != null && skills.isObject()) {
      return Optional.of(fromContinualMetrics(versions, skills));
    }
    List<String> columns = new ArrayList<>();
    require(m, "columns").forEach(c -> columns.add(c.asText()));
    List<List<Double>> values = cells(require(m, "values"));
    Map<String, Double> summary = new LinkedHashMap<>();
    JsonNode s = m.get("summary");
    if (s != null && s.isObject()) {
      s.properties().forEach(e -> summary.put(e.getKey(), e.getValue().isNumber() ? e.getValue().asDouble()
          : null));
    }
    return Optional.of(new MatrixView(versions, columns, values, summary));
  }

  /**
   * The skill matrix of the continual-learning metrics as {@code adapt status --json} writes them
   * ({@code "matrix": {"versions", "skills": {"columns", "accuracy", "metrics": {...}}, "releases", ...}}): its
   * cells, and its scalar metrics (mean forgetting, backward and forward transfer) as the summary.
   */
  private static MatrixView fromContinualMetrics(List<Integer> versions, JsonNode skills) {
    List<String> columns = new ArrayList<>();
    require(skills, "columns").forEach(c -> columns.add(c.asText()));
    Map<String, Double> summary = new LinkedHashMap<>();
    JsonNode metrics = skills.get("metrics");
    if (metrics != null && metrics.isObject()) {
      metrics.properties().forEach(e -> {
        if (e.getValue().isNumber() || e.getValue().isNull()) {
          summary.put(e.getKey(), e.getValue().isNumber() ? e.getValue().asDouble() : null);
        }
      });
    }
    return new MatrixView(versions, columns, cells(require(skills, "accuracy")), summary);
  }

  private static List<List<Double>> cells(JsonNode rows) {
    List<List<Double>> values = new ArrayList<>();
    for (JsonNode row : rows) {
      List<Double> r = new ArrayList<>();
      row.forEach(c -> r.add(c.isNumber() ? c.asDouble() : null));
      values.add(r);
    }
    return values;
  }

  private static JsonNode require(JsonNode m, String field) {
    JsonNode n = m.get(field);
    if (n == null || !n.isArray()) {
      throw new IllegalArgumentException("the matrix has no array \"" + field + "\"");
    }
    return n;
  }
}
