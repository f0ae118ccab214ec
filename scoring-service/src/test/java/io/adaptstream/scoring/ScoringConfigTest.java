package io.adaptstream.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.model.ComputeDevice;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ScoringConfigTest {

  private static Map<String, Object> minimal() {
    Map<String, Object> m = new HashMap<>();
    m.put("bootstrap.servers", "localhost:9092");
    m.put("schema.registry.url", "http://localhost:8081");
    m.put("blob.store", "/tmp/blobs");
    return m;
  }

  @Test
  void shouldApplyTheDocumentedDefaults() {
    ScoringConfig config = new ScoringConfig(minimal());

    assertThat(config.microBatch()).isEqualTo(32);
    assertThat(config.device()).isEqualTo(ComputeDevice.CPU);
    assertThat(config.deterministic()).isFalse();
    assertThat(config.modelCache()).isEqualTo(2);
    assertThat(config.maxPollRecords()).isEqualTo(256);
    assertThat(config.modelWait()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.groupId()).isEqualTo("adapt.scoring");
    assertThat(config.instanceId()).matches("[A-Za-z0-9._-]+-\\d+");
    assertThat(config.transactionalId()).isEqualTo("adapt.scoring-" + config.instanceId());
  }

  @Test
  void shouldScopeTheGroupAndTransactionalIdToTheRun() {
    Map<String, Object> m = minimal();
    m.put("topic.prefix", "lab");
    m.put("run.id", "r2");
    m.put("scoring.instance.id", "w-1");
    m.put("scoring.device", "GPU");

    ScoringConfig config = new ScoringConfig(m);

    assertThat(config.groupId()).isEqualTo("lab.r2.scoring");
    assertThat(config.transactionalId()).isEqualTo("lab.r2.scoring-w-1");
    assertThat(config.device()).isEqualTo(ComputeDevice.GPU);
  }

  @Test
  void shouldRefuseAMissingBlobStoreAnUnknownDeviceAndABadInstanceId() {
    Map<String, Object> noBlobs = minimal();
    noBlobs.remove("blob.store");
    Map<String, Object> tpu = minimal();
    tpu.put("scoring.device", "tpu");
    Map<String, Object> badId = minimal();
    badId.put("scoring.instance.id", "a b");
    Map<String, Object> typo = minimal();
    typo.put("scoring.micro.batches", "8");

    assertThatThrownBy(() -> new ScoringConfig(noBlobs)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("blob.store");
    assertThatThrownBy(() -> new ScoringConfig(tpu)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("tpu");
    assertThatThrownBy(() -> new ScoringConfig(badId)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("scoring.instance.id");
    assertThatThrownBy(() -> new ScoringConfig(typo)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown");
  }
}
