package io.adaptstream.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.cli.serve.ServiceLauncher;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class PipelineSettingsTest {

  private static final Deployment DEPLOYMENT = new Deployment("127.0.0.1:19092", "http://127.0.0.1:18081", "t1", 3,
      (short) 1, Path.of("/data/blobs"));
  private static final Path WORK = Path.of("/runs/r1");

  @Test
  void shouldGiveEveryServiceTheRunsIdMethodSeedAndModeAndOnlyKeysItDefines() {
    // given a deterministic run of method lite with seed 7
    PipelineSettings settings = PipelineSettings.of("lite-1", "lite", 7, true);
    ServiceLauncher launcher = ServiceLauncher.defaults();

    // when each service's settings are built
    Map<String, String> selector = settings.service("selector", DEPLOYMENT, WORK);
    Map<String, String> scoring = settings.service("scoring", DEPLOYMENT, WORK);
    Map<String, String> trainer = settings.service("trainer", DEPLOYMENT, WORK);
    Map<String, String> ingest = settings.service("ingest", DEPLOYMENT, WORK);

    // then they agree on the run, and each passes its service's own check
    assertThat(selector).containsEntry("run.id", "lite-1").containsEntry("topic.prefix", "t1")
        .containsEntry("selector.policy", "lite").containsEntry("selector.seed", "7")
        .containsEntry("selector.state.dir", WORK.resolve("selector-state").toString())
        .doesNotContainKey("blob.store");
    assertThat(scoring).containsEntry("run.id", "lite-1").containsEntry("scoring.deterministic", "true")
        .containsEntry("blob.store", "/data/blobs");
    assertThat(trainer).containsEntry("trainer.base", "pretrain").containsEntry("trainer.seed", "7")
        .containsEntry("trainer.deterministic", "true").containsEntry("bootstrap.servers", "127.0.0.1:19092");
    assertThat(ingest).containsEntry("ingest.inbox.dir", WORK.resolve("inbox").toString());
    launcher.check("selector", selector);
    launcher.check("scoring", scoring);
    launcher.check("trainer", trainer);
    launcher.check("ingest", ingest);
  }

  @Test
  void shouldMakeATokenizerPathAbsoluteAndLeaveTheByteTokenizerAsItIs() {
    // given a run of a TorchScript module with a tokenizer.json named by a relative path
    String relative = "../model/src/test/resources/tiny-tokenizer.json";
    PipelineSettings settings = new PipelineSettings("r", "adapt", 0, false,
        Map.of("model.kind", "torchscript", "model.tokenizer", relative));
    PipelineSettings bytes = new PipelineSettings("r", "adapt", 0, false,
        Map.of("model.kind", "torchscript", "model.tokenizer", "byte"));

    // then both services that run the model get the absolute path, and 'byte' stays a name
    for (String service : new String[] {"scoring", "trainer"}) {
      assertThat(settings.service(service, DEPLOYMENT, WORK))
          .containsEntry("model.tokenizer", Path.of(relative).toAbsolutePath().normalize().toString());
      assertThat(bytes.service(service, DEPLOYMENT, WORK)).containsEntry("model.tokenizer", "byte");
    }
  }

  @Test
  void shouldGiveTheModelKeysToBothServicesThatRunTheModelWhenAUsersModelIsSet() {
    // given a run of a TorchScript module named by a relative path
    PipelineSettings settings = new PipelineSettings("r", "adapt", 0, false,
        Map.of("model.kind", "torchscript", "model.path", "models/vlm.pt"));
    String absolute = Path.of("models/vlm.pt").toAbsolutePath().normalize().toString();

    // then scoring and the trainer get them, the path made absolute, and the others do not
    for (String service : new String[] {"scoring", "trainer"}) {
      assertThat(settings.service(service, DEPLOYMENT, WORK)).containsEntry("model.kind", "torchscript")
          .containsEntry("model.path", absolute);
    }
    assertThat(settings.service("selector", DEPLOYMENT, WORK)).doesNotContainKeys("model.kind", "model.path");
    assertThat(settings.service("ingest", DEPLOYMENT, WORK)).doesNotContainKeys("model.kind", "model.path");
    // and a bad kind is refused before anything runs
    assertThatThrownBy(() -> new PipelineSettings("r", "adapt", 0, false, Map.of("model.kind", "onnx")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("onnx");
  }

  @Test
  void shouldRouteEachOverrideToTheServiceThatOwnsItsKey() {
    PipelineSettings settings = new PipelineSettings("r", "adapt", 0, false,
        Map.of("selector.budget", "150", "trainer.epochs", "2", "scoring.micro.batch", "16"));

    assertThat(settings.service("selector", DEPLOYMENT, WORK)).containsEntry("selector.budget", "150")
        .doesNotContainKeys("trainer.epochs", "scoring.micro.batch");
    assertThat(settings.service("trainer", DEPLOYMENT, WORK)).containsEntry("trainer.epochs", "2")
        .containsEntry("trainer.deterministic", "false").doesNotContainKey("selector.budget");
    assertThat(settings.service("scoring", DEPLOYMENT, WORK)).containsEntry("scoring.micro.batch", "16");
    assertThat(settings.value("selector.budget")).isEqualTo("150");
    assertThat(settings.value("trainer.model.name")).isEqualTo("adapt-vlm");
  }

  @Test
  void shouldRefuseUnknownMisplacedMalformedAndRunOwnedOverrides() {
    assertThatThrownBy(() -> new PipelineSettings("r", "adapt", 0, true, Map.of("selector.budgett", "1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("selector.budgett");
    assertThatThrownBy(() -> new PipelineSettings("r", "adapt", 0, true, Map.of("budget", "1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("not a pipeline service key");
    assertThatThrownBy(() -> new PipelineSettings("r", "adapt", 0, true, Map.of("trainer.epochs", "many")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("trainer.epochs");
    assertThatThrownBy(() -> new PipelineSettings("r", "adapt", 0, true, Map.of("trainer.epochs", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("trainer.epochs");
    assertThatThrownBy(() -> new PipelineSettings("r", "adapt", 0, true, Map.of("selector.policy", "random")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("set by the run itself");
    assertThatThrownBy(() -> PipelineSettings.of("r", "best", 0, true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown selection policy 'best'");
    assertThatThrownBy(() -> PipelineSettings.of("no spaces", "adapt", 0, true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("run");
  }

  @Test
  void shouldKeepEverythingButTheRunIdOrMethodForAReplay() {
    PipelineSettings original = new PipelineSettings("adapt-1", "adapt", 3, true, Map.of("selector.budget", "9"));

    PipelineSettings replay = original.withRun("adapt-2");
    PipelineSettings whatIf = original.withRun("random-3").withMethod("random");

    assertThat(replay).isEqualTo(new PipelineSettings("adapt-2", "adapt", 3, true, Map.of("selector.budget", "9")));
    assertThat(whatIf.method()).isEqualTo("random");
    assertThat(whatIf.overrides()).isEqualTo(original.overrides());
    assertThat(whatIf.service("selector", DEPLOYMENT, WORK)).containsEntry("run.id", "random-3")
        .containsEntry("selector.seed", "3");
  }
}
