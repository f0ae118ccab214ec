package io.adaptstream.cli.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.ImageRef;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Turn;
import io.adaptstream.selector.query.ClusterView;
import io.adaptstream.selector.query.StepView;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dashboard's wire formats: the run's state as one JSON object (what {@code /api/state} answers and every
 * {@code /events} event carries), a sample as JSON, and server-sent-event framing.
 *
 * <p>The JSON escapes {@code <}, {@code >}, {@code &}, {@code '} and the JavaScript line separators as {@code \\uXXXX}, so no
 * sample text can close a tag or a script even if a page ever embeds the JSON; the page itself only writes data
 * with {@code textContent}.
 */
public final class DashboardJson {

  /** The mapper of every JSON the dashboard serves (compact, HTML-safe escapes). */
  public static final ObjectMapper JSON = htmlSafe(new ObjectMapper());

  private DashboardJson() {}

  private static ObjectMapper htmlSafe(ObjectMapper mapper) {
    mapper.getFactory().setCharacterEscapes(new HtmlSafeEscapes());
    return mapper;
  }

  /** Standard JSON escapes plus the characters that matter inside HTML and scripts. */
  private static final class HtmlSafeEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] escapes;

    HtmlSafeEscapes() {
      escapes = standardAsciiEscapesForJSON();
      for (char c : new char[] {'<', '>', '&', '\''}) {
        escapes[c] = ESCAPE_STANDARD;
      }
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return escapes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return ch == 0x2028 ? new SerializedString("\\u2028") : ch == 0x2029 ? new SerializedString("\\u2029") : null;
    }
  }

  /** {@code node} as compact JSON text. */
  public static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One server-sent event: {@code event: NAME}, the data one {@code data:} line per line of {@code data} (so a
   * newline in the data can never end the event early), and the blank line that ends it.
   */
  public static String sseEvent(String event, String data) {
    if (event.contains("\n") || event.contains("\r")) {
      throw new IllegalArgumentException("an event name is one line");
    }
    StringBuilder b = new StringBuilder("event: ").append(event).append('\n');
    for (String line : data.split("\r\n|\r|\n", -1)) {
      b.append("data: ").append(line).append('\n');
    }
    return b.append('\n').toString();
  }

  /** The run's state, as the page draws it. */
  public static ObjectNode state(RunSnapshot s, long nowMs) {
    ObjectNode n = JSON.createObjectNode();
    n.put("runId", s.runId());
    n.put("updatedAtMs", nowMs);
    n.put("selectorUrl", s.selectorUrl());
    n.put("selectorProblem", s.selectorProblem());
    n.put("topicsProblem", s.topicsProblem());
    ArrayNode steps = n.putArray("steps");
    for (StepView v : s.steps()) {
      boolean model = s.models().containsKey(v.step());
      EvalResult e = s.evals().get(v.step());
      ObjectNode o = steps.addObject();
      o.put("step", v.step());
      o.put("release", v.release());
      o.put("phase", v.phase());
      o.put("stage", RunSnapshot.stage(v, model, e != null));
      o.put("modelVersion", v.modelVersion());
      o.put("poolSize", v.poolSize());
      o.put("fresh", v.fresh());
      o.put("scores", v.scores());
      o.put("selected", v.selected());
      o.put("pruned", v.pruned());
      o.put("clusters", v.clusters());
      o.put("deadLetters", v.deadLetters());
      o.put("startedAtMs", v.startedAtMs());
      o.put("selectionDoneAtMs", v.selectionDoneAtMs());
      if (e != null) {
        o.put("avgAccuracy", e.getAvgAccuracy());
      } else {
        o.putNull("avgAccuracy");
      }
    }
    s.pool().ifPresentOrElse(p -> n.putObject("pool").put("size", p.size()).put("pending", p.pending())
        .put("deleted", p.deleted()), () -> n.putNull("pool"));
    ObjectNode clusters = n.putObject("clusters");
    new TreeMap<>(s.clusters()).forEach((step, list) -> {
      ArrayNode a = clusters.putArray(Integer.toString(step));
      for (ClusterView c : list) {
        ObjectNode o = a.addObject();
        o.put("cluster", c.cluster());
        o.put("size", c.size());
        o.put("fresh", c.fresh());
        o.put("scorer", c.scorer());
        o.put("selected", c.selected());
        o.put("pruned", c.pruned());
        o.set("skills", JSON.valueToTree(sorted(c.skills())));
        o.set("selectedSkills", JSON.valueToTree(sorted(c.selectedSkills())));
      }
    });
    ArrayNode models = n.putArray("models");
    for (Map.Entry<Integer, ModelVersion> m : s.models().entrySet()) {
      ModelVersion v = m.getValue();
      EvalResult e = s.evals().get(m.getKey());
      ObjectNode o = models.addObject();
      o.put("version", v.getVersion());
      o.put("release", v.getRelease() == null ? null : v.getRelease().toString());
      o.put("trainedSamples", v.getTrainedSamples());
      o.put("sha256", v.getSha256());
      if (e == null) {
        o.putNull("avgAccuracy");
        o.putObject("accuracy");
      } else {
        o.put("avgAccuracy", e.getAvgAccuracy());
        o.put("testSamples", e.getTestSamples());
        ObjectNode acc = o.putObject("accuracy");
        new TreeMap<>(asStrings(e.getAccuracy())).forEach(acc::put);
      }
    }
    s.matrix().ifPresentOrElse(m -> n.set("matrix", JSON.valueToTree(m)), () -> n.putNull("matrix"));
    ObjectNode dl = n.putObject("deadLetters");
    dl.put("total", s.deadLetters().values().stream().mapToLong(Long::longValue).sum());
    dl.set("byReason", JSON.valueToTree(sorted(s.deadLetters())));
    dl.set("byService", JSON.valueToTree(sorted(s.deadLettersByService())));
    return n;
  }

  /** A sample as the explain box shows it: its release, labels, conversation and images (by sha256). */
  public static ObjectNode sample(Sample sample) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", sample.getId().toString());
    o.put("release", sample.getRelease().toString());
    o.put("sourceId", sample.getSourceId().toString());
    o.put("split", sample.getSplit().name().toLowerCase(java.util.Locale.ROOT));
    o.put("skill", sample.getSkill() == null ? null : sample.getSkill().toString());
    ArrayNode turns = o.putArray("conversations");
    for (Turn t : sample.getConversations()) {
      turns.addObject().put("from", t.getFrom().name().toLowerCase(java.util.Locale.ROOT))
          .put("value", t.getValue().toString());
    }
    ArrayNode images = o.putArray("images");
    for (ImageRef i : sample.getImages()) {
      images.addObject().put("sha256", i.getSha256().toString()).put("width", i.getWidth())
          .put("height", i.getHeight()).put("mediaType", i.getMediaType().toString());
    }
    return o;
  }

  private static <V> Map<String, V> sorted(Map<String, V> m) {
    return m == null ? Map.of() : new TreeMap<>(m);
  }

  private static Map<String, Double> asStrings(Map<? extends CharSequence, Double> m) {
    Map<String, Double> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k.toString(), v));
    return out;
  }
}
