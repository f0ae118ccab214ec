package io.adaptstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.avro.ReleaseRole;
import io.adaptstream.runtime.config.ServiceConfig;
import io.adaptstream.schemas.Backoff;
import io.adaptstream.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestConfigTest {

  private static Map<String, Object> minimal() {
    Map<String, Object> m = new HashMap<>();
    m.put("bootstrap.servers", "localhost:9092");
    m.put("schema.registry.url", "http://localhost:8081");
    m.put("blob.store", "/tmp/blobs");
    return m;
  }

  @Test
  void shouldApplyTheDocumentedDefaults() {
    IngestConfig config = new IngestConfig(minimal());

    assertThat(config.transactionSamples()).isEqualTo(500);
    assertThat(config.limits()).isEqualTo(ValidationLimits.defaults());
    assertThat(config.limits().maxImageBytes()).isEqualTo(20L * 1024 * 1024);
    assertThat(config.inboxDir()).isEmpty();
    assertThat(IngestConfig.configDef().names()).contains("blob.store", "ingest.inbox.dir", "ingest.poll.ms",
        "ingest.max.turns", "ingest.max.images", "ingest.max.text.bytes", "ingest.max.image.side");
  }

  @Test
  void shouldOpenTheBlobStoreRemovingAnotherHostsTemporaryFilesOnlyPastTheConfiguredAge(@TempDir Path blobs)
      throws IOException {
    // given a temporary file of a writer on another host, unmodified for two hours
    Path temp = Files.writeString(Files.createDirectories(blobs.resolve("tmp")).resolve("put-1@elsewhere-1.part"), "x");
    Files.setLastModifiedTime(temp, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    Map<String, Object> settings = minimal();
    settings.put(IngestConfig.BLOB_STORE, blobs.toString());

    // when the store is opened with the default age (24 h), then with 1 h
    new IngestConfig(settings).blobStore();
    boolean keptByDefault = Files.exists(temp);
    settings.put(IngestConfig.BLOB_STORE_STALE_TEMP_MS, String.valueOf(Duration.ofHours(1).toMillis()));
    new IngestConfig(settings).blobStore();

    // then
    assertThat(keptByDefault).isTrue();
    assertThat(temp).doesNotExist();
    settings.put(IngestConfig.BLOB_STORE_STALE_TEMP_MS, "-1");
    assertThatThrownBy(() -> new IngestConfig(settings)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(IngestConfig.BLOB_STORE_STALE_TEMP_MS);
  }

  @Test
  void shouldRequireABlobStoreAndRefuseUnknownOrInvalidKeys() {
    Map<String, Object> noBlobs = minimal();
    noBlobs.remove("blob.store");
    Map<String, Object> typo = minimal();
    typo.put("ingest.transaction.sample", "5");
    Map<String, Object> zeroChunk = minimal();
    zeroChunk.put("ingest.transaction.samples", "0");

    assertThatThrownBy(() -> new IngestConfig(noBlobs)).isInstanceOf(ConfigException.class).hasMessageContaining("blob.store");
    assertThatThrownBy(() -> new IngestConfig(typo)).isInstanceOf(ConfigException.class).hasMessageContaining("unknown");
    assertThatThrownBy(() -> new IngestConfig(zeroChunk)).isInstanceOf(ConfigException.class);
  }

  @Test
  void shouldWaitThirtySecondsForTheRegistryByDefaultAndTakeTheRetryKeys() {
    // by default: pauses of 200 ms doubling up to 5 s, as many as fit in 30 s
    assertThat(new IngestConfig(minimal()).registryBackoff())
        .isEqualTo(SchemaRegistryClient.DEFAULT_BACKOFF)
        .satisfies(b -> assertThat(b.totalWait()).isEqualTo(Duration.ofMillis(26_200)));

    Map<String, Object> tuned = minimal();
    tuned.put(ServiceConfig.SCHEMA_REGISTRY_RETRY_MAX_WAIT_MS, "1000");
    tuned.put(ServiceConfig.SCHEMA_REGISTRY_RETRY_BACKOFF_MS, "100");
    tuned.put(ServiceConfig.SCHEMA_REGISTRY_RETRY_BACKOFF_MAX_MS, "400");
    // pauses 100, 200, 400 (700 ms); one more 400 would pass 1 s
    assertThat(new IngestConfig(tuned).registryBackoff())
        .isEqualTo(new Backoff(Duration.ofMillis(100), Duration.ofMillis(400), 4));

    Map<String, Object> negative = minimal();
    negative.put(ServiceConfig.SCHEMA_REGISTRY_RETRY_MAX_WAIT_MS, "-1");
    assertThatThrownBy(() -> new IngestConfig(negative)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(ServiceConfig.SCHEMA_REGISTRY_RETRY_MAX_WAIT_MS);
  }

  @Test
  void shouldDetectTheFormatAndDefaultTheRequest() {
    PublishRequest r = PublishRequest.of("r1", Path.of("/data/set/r1.jsonl"));

    assertThat(DatasetFormat.detect(Path.of("a.JSONL"))).isEqualTo(DatasetFormat.JSONL);
    assertThat(DatasetFormat.detect(Path.of("a.json"))).isEqualTo(DatasetFormat.LLAVA);
    assertThat(r.format()).isEqualTo(DatasetFormat.JSONL);
    assertThat(r.imageRoot()).isEqualTo(Path.of("/data/set"));
    assertThat(r.role()).isEqualTo(ReleaseRole.TASK);
  }

  @Test
  void shouldReadTheIdAndNestingLimitsAndRefuseANestingLimitAnEntryCannotMeet() {
    Map<String, Object> m = minimal();
    m.put(IngestConfig.MAX_ID_CHARS, "64");
    m.put(IngestConfig.MAX_NESTING_DEPTH, "8");
    Map<String, Object> tooShallow = minimal();
    tooShallow.put(IngestConfig.MAX_NESTING_DEPTH, "2");
    Map<String, Object> tooDeep = minimal();
    tooDeep.put(IngestConfig.MAX_NESTING_DEPTH, "1001");

    IngestConfig config = new IngestConfig(m);

    assertThat(config.limits().maxIdChars()).isEqualTo(64);
    assertThat(config.limits().maxNestingDepth()).isEqualTo(8);
    assertThat(new IngestConfig(minimal()).limits().maxIdChars()).isEqualTo(256);
    assertThat(new IngestConfig(minimal()).limits().maxNestingDepth()).isEqualTo(32);
    assertThatThrownBy(() -> new IngestConfig(tooShallow)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(IngestConfig.MAX_NESTING_DEPTH);
    assertThatThrownBy(() -> new IngestConfig(tooDeep)).isInstanceOf(ConfigException.class);
  }

  @Test
  void shouldRefuseBadReleaseNames() {
    assertThat(PublishRequest.isValidName("r1-llava.mix_2")).isTrue();
    assertThat(PublishRequest.isValidName("x".repeat(128))).isTrue();
    for (String bad : new String[] {"", "a/b", "a b", "x".repeat(129), "ü", null}) {
      assertThatThrownBy(() -> PublishRequest.of(bad, Path.of("f.json")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("release name");
    }
  }
}
