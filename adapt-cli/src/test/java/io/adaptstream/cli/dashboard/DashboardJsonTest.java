package io.adaptstream.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.adaptstream.avro.EvalResult;
import io.adaptstream.avro.ImageRef;
import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.Sample;
import io.adaptstream.avro.Speaker;
import io.adaptstream.avro.Split;
import io.adaptstream.avro.Turn;
import io.adaptstream.selector.query.ClusterView;
import io.adaptstream.selector.query.PoolView;
import io.adaptstream.selector.query.StepView;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DashboardJsonTest {

  static StepView step(int t, String release, String phase, long pool, long selected, long doneAtMs) {
    return new StepView(t, release, "adapt-vlm", t - 1, phase, 1000, 1100, 1200, 1300, 1400, doneAtMs, pool, pool / 2,
        pool, 3, selected, 7, 2, List.of(), 1, 0, 0);
  }

  static ModelVersion model(int v, String release) {
    return ModelVersion.newBuilder().setModel("adapt-vlm").setVersion(v).setUri("file:///m").setSha256("ab".repeat(32))
        .setConfig("{}").setRelease(release).setTrainedSamples(16L * v).build();
  }

  static EvalResult eval(int v, Map<String, Double> accuracy, double avg) {
    return EvalResult.newBuilder().setModel("adapt-vlm").setVersion(v).setAccuracy(accuracy).setSupport(Map.of())
        .setAvgAccuracy(avg).setTestSamples(12).build();
  }

  static RunSnapshot snapshot(Optional<MatrixView> matrix) {
    SortedMap<Integer, ModelVersion> models = new TreeMap<>(Map.of(0, model(0, "pretrain"), 1, model(1, "r1"),
        2, model(2, "r2")));
    SortedMap<Integer, EvalResult> evals = new TreeMap<>(Map.of(0, eval(0, Map.of("caption.brief", 0.9), 0.9),
        1, eval(1, Map.of("vqa.colour", 0.5, "vqa.shape", 0.25, "caption.brief", 0.75), 0.5)));
    ClusterView c = new ClusterView(1, 0, 20L, 10L, 15L, 8L, "el2n", Map.of("el2n", 1.5), 8L, 5L, 12L, 0.7,
        Map.of("vqa.colour", 12L, "-", 8L), Map.of("vqa.colour", 5L));
    return new RunSnapshot("r-1", "http://127.0.0.1:1", null, null,
        List.of(step(1, "r1", "done", 40, 16, 1500), step(2, "r2", "done", 60, 16, 1600),
            step(3, "r3", "requested", 70, 0, -1)),
        Optional.of(new PoolView(70, 5, 14)), Map.of(1, List.of(c)), models, evals,
        Map.of("corrupt_image", 2L, "missing_image", 1L), Map.of("ingest", 3L), matrix);
  }

  @Test
  void shouldShowEachStepsPhaseFollowedByTheTrainersWhenTheSelectorIsDone() {
    // given three steps: v1 evaluated, v2 trained but not evaluated, step 3 still scoring
    RunSnapshot s = snapshot(Optional.empty());

    // when the state is formatted
    JsonNode state = DashboardJson.state(s, 42);

    // then each step's stage tells where it is, with the selector's counts and the evaluation's average
    JsonNode steps = state.get("steps");
    assertThat(steps).hasSize(3);
    assertThat(steps.get(0).get("stage").asText()).isEqualTo("evaluated");
    assertThat(steps.get(0).get("avgAccuracy").asDouble()).isEqualTo(0.5);
    assertThat(steps.get(1).get("stage").asText()).isEqualTo("evaluating");
    assertThat(steps.get(1).get("avgAccuracy").isNull()).isTrue();
    assertThat(steps.get(2).get("stage").asText()).isEqualTo("requested");
    assertThat(steps.get(2).get("poolSize").asLong()).isEqualTo(70);
    assertThat(state.get("updatedAtMs").asLong()).isEqualTo(42);
    assertThat(state.get("pool").get("deleted").asLong()).isEqualTo(14);
  }

  @Test
  void shouldCarryClustersModelsAndDeadLettersWhenTheRunHasThem() {
    // given a snapshot with one clustered step, three versions (two evaluated) and dead letters
    RunSnapshot s = snapshot(Optional.empty());

    // when the state is formatted
    JsonNode state = DashboardJson.state(s, 0);

    // then the page gets them, skills sorted, and no matrix yet
    JsonNode c = state.get("clusters").get("1").get(0);
    assertThat(c.get("scorer").asText()).isEqualTo("el2n");
    assertThat(c.get("skills").fieldNames()).toIterable().containsExactly("-", "vqa.colour");
    assertThat(c.get("selectedSkills").get("vqa.colour").asLong()).isEqualTo(5);
    assertThat(state.get("models")).hasSize(3);
    assertThat(state.get("models").get(1).get("accuracy").fieldNames()).toIterable()
        .containsExactly("caption.brief", "vqa.colour", "vqa.shape");
    assertThat(state.get("models").get(2).get("avgAccuracy").isNull()).isTrue();
    assertThat(state.get("deadLetters").get("total").asLong()).isEqualTo(3);
    assertThat(state.get("deadLetters").get("byReason").get("corrupt_image").asLong()).isEqualTo(2);
    assertThat(state.get("matrix").isNull()).isTrue();
  }

  @Test
  void shouldPassTheMatrixThroughInTheContractsShapeWhenASourceHasOne() throws Exception {
    // given a status JSON with a matrix in the contract's shape, one cell not evaluated
    JsonNode status = DashboardJson.JSON.readTree("{\"runId\":\"r\",\"matrix\":{\"versions\":[0,1],"
        + "\"columns\":[\"vqa.colour\",\"caption.brief\"],\"values\":[[0.1,0.9],[0.4,null]],"
        + "\"summary\":{\"forgetting\":0.15,\"bwt\":-0.15}}}");

    // when it is read and handed to the page
    Optional<MatrixView> m = MatrixView.fromStatusJson(status);
    JsonNode state = DashboardJson.state(snapshot(m), 0);

    // then the page gets the same rows, columns, cells and metrics
    assertThat(m).isPresent();
    assertThat(m.get().values().get(1)).containsExactly(0.4, null);
    JsonNode matrix = state.get("matrix");
    assertThat(matrix.get("versions")).hasSize(2);
    assertThat(matrix.get("columns").get(1).asText()).isEqualTo("caption.brief");
    assertThat(matrix.get("values").get(1).get(1).isNull()).isTrue();
    assertThat(matrix.get("summary").get("forgetting").asDouble()).isEqualTo(0.15);
    assertThat(MatrixView.fromStatusJson(DashboardJson.JSON.readTree("{\"matrix\":null}"))).isEmpty();
  }

  @Test
  void shouldReadTheSkillMatrixWhenTheStatusCarriesContinualMetrics() throws Exception {
    // given a status JSON whose matrix holds the continual-learning metrics (skills, releases, skill groups)
    JsonNode status = DashboardJson.JSON.readTree("{\"matrix\":{\"versions\":[0,1],"
        + "\"skills\":{\"columns\":[\"caption.brief\",\"vqa.colour\"],\"introducedAt\":[0,1],"
        + "\"accuracy\":[[0.9,0.2],[0.7,0.5]],\"metrics\":{\"averageAccuracy\":[0.9,0.6],"
        + "\"forgetting\":{\"caption.brief\":0.2},\"meanForgetting\":0.2,\"backwardTransfer\":-0.2,"
        + "\"forwardTransfer\":null}},\"releases\":{\"columns\":[],\"introducedAt\":[],\"accuracy\":[[],[]]},"
        + "\"skillGroups\":{}}}");

    // when it is read
    MatrixView m = MatrixView.fromStatusJson(status).orElseThrow();

    // then the heatmap gets the skill matrix and its scalar metrics
    assertThat(m.versions()).containsExactly(0, 1);
    assertThat(m.columns()).containsExactly("caption.brief", "vqa.colour");
    assertThat(m.values().get(1)).containsExactly(0.7, 0.5);
    assertThat(m.summary()).containsOnlyKeys("meanForgetting", "backwardTransfer", "forwardTransfer")
        .containsEntry("backwardTransfer", -0.2);
  }

  @Test
  void shouldRefuseAMatrixWhenItsRowsDoNotFitItsColumns() throws Exception {
    // given a matrix with a short row, when it is read, then it is refused
    JsonNode status = DashboardJson.JSON.readTree("{\"matrix\":{\"versions\":[0],\"columns\":[\"a\",\"b\"],"
        + "\"values\":[[0.1]]}}");
    assertThatThrownBy(() -> MatrixView.fromStatusJson(status)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 cells for 2 columns");
  }

  @Test
  void shouldEscapeMarkupInSampleTextWhenWritingJson() throws Exception {
    // given a sample whose text tries to close a script and inject markup
    String evil = "</script><img src=x onerror=alert(1)> & 'q' \u2028";
    Sample sample = Sample.newBuilder().setId("cd".repeat(32)).setRelease("r1").setSourceId("<b>7</b>")
        .setSplit(Split.TRAIN).setSkill("vqa.colour")
        .setConversations(List.of(new Turn(Speaker.HUMAN, evil), new Turn(Speaker.GPT, "red")))
        .setImages(List.of(new ImageRef("file:///i", "ef".repeat(32), 32, 32, "image/png"))).build();

    // when it is written as JSON
    String json = DashboardJson.write(DashboardJson.sample(sample));

    // then no markup character or line separator is left raw, and the text reads back unchanged
    assertThat(json).doesNotContain("<", ">", "&", "'", "\u2028").contains("\\u003C/script\\u003E");
    JsonNode back = DashboardJson.JSON.readTree(json);
    assertThat(back.get("conversations").get(0).get("value").asText()).isEqualTo(evil);
    assertThat(back.get("conversations").get(0).get("from").asText()).isEqualTo("human");
    assertThat(back.get("images").get(0).get("sha256").asText()).isEqualTo("ef".repeat(32));
    assertThat(back.get("sourceId").asText()).isEqualTo("<b>7</b>");
  }

  @Test
  void shouldFrameEveryLineOfTheDataWhenFormattingAServerSentEvent() {
    // given data with line breaks of every kind, when it is framed as an event
    String event = DashboardJson.sseEvent("state", "{\"a\":1}\nsecond\r\nthird\rfourth");

    // then each line is its own data field and one blank line ends the event
    assertThat(event).isEqualTo("event: state\ndata: {\"a\":1}\ndata: second\ndata: third\ndata: fourth\n\n");
    assertThat(DashboardJson.sseEvent("state", "{}")).isEqualTo("event: state\ndata: {}\n\n");
    assertThatThrownBy(() -> DashboardJson.sseEvent("a\nb", "x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldSniffTheImageTypeFromTheBytesWhenServingAnImage() {
    // given the first bytes of a PNG, a JPEG, a GIF and HTML, then only the images are served as images
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0};
    assertThat(ImageTypes.sniff(png)).isEqualTo("image/png");
    assertThat(ImageTypes.sniff(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0})).isEqualTo("image/jpeg");
    assertThat(ImageTypes.sniff("GIF89a".getBytes())).isEqualTo("image/gif");
    assertThat(ImageTypes.sniff("<html><script>".getBytes())).isEqualTo(ImageTypes.UNKNOWN);
    assertThat(ImageTypes.sniff(new byte[0])).isEqualTo(ImageTypes.UNKNOWN);
  }
}
