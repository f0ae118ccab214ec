package io.adaptstream.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.trainer.TrainerListener;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class LocalPipelineTest {

  private static final Deployment DEPLOYMENT = new Deployment("127.0.0.1:19092", "http://127.0.0.1:18081", "t1", 3,
      (short) 1, Path.of("/data/blobs"));

  @Test
  void shouldGiveLocalServicesASessionShorterThanKafkasDefaultThatEveryServiceAccepts() {
    // given the settings of each service of local mode's run
    PipelineSettings settings = PipelineSettings.of("default", "adapt", 0, true);
    ServiceLauncher launcher = ServiceLauncher.defaults();

    for (String name : LocalPipeline.SERVICES) {
      // when local mode's client settings are added
      Map<String, String> config = new HashMap<>(settings.service(name, DEPLOYMENT, Path.of("/runs/local")));
      config.putAll(LocalPipeline.CLIENT_SETTINGS);

      // then the service accepts them, and a dead member leaves its group well before Kafka's 45 s
      launcher.check(name, config);
    }
    int session = Integer.parseInt(LocalPipeline.CLIENT_SETTINGS.get("kafka."
        + ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
    int heartbeat = Integer.parseInt(LocalPipeline.CLIENT_SETTINGS.get("kafka."
        + ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG));
    assertThat(session).isLessThan(45_000);
    assertThat(heartbeat).isLessThanOrEqualTo(session / 3);
  }

  @Test
  void shouldRefuseAClientSettingThatIsNotAKafkaKeyBeforeStartingAnything() {
    PipelineSettings settings = PipelineSettings.of("default", "adapt", 0, true);

    assertThatThrownBy(() -> Pipeline.start(ServiceLauncher.defaults(), DEPLOYMENT, settings, Path.of("/runs/local"),
        List.of(ServiceLauncher.SCORING), TrainerListener.NONE, Map.of("session.timeout.ms", "10000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("session.timeout.ms");
  }
}
