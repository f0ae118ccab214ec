package io.adaptstream.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.selector.algo.CcsSampler;
import io.adaptstream.selector.algo.ClusterSelector;
import io.adaptstream.selector.algo.KMeans;
import io.adaptstream.selector.algo.ScorerChoice;
import io.adaptstream.selector.algo.SemDeDup;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SelectorConfigTest {

  private static Map<String, String> base() {
    Map<String, String> m = new HashMap<>();
    m.put("bootstrap.servers", "localhost:9092");
    m.put("schema.registry.url", "http://localhost:8081");
    return m;
  }

  @Test
  void shouldRunExactlyOnceUnderARunScopedApplicationId() {
    // given
    Map<String, String> m = base();
    m.put("run.id", "r2");

    // when
    Properties p = new SelectorConfig(m).streamsProperties("127.0.0.1:8085");

    // then
    assertThat(p).containsEntry("application.id", "adapt.r2.selector")
        .containsEntry("processing.guarantee", "exactly_once_v2")
        .containsEntry("application.server", "127.0.0.1:8085")
        .containsEntry("producer.transaction.timeout.ms", 120_000);
  }

  @Test
  void shouldBufferMoreThanOneFetchAndBoundTheFetchWaitUnlessKafkaSettingsSayOtherwise() {
    // given
    Map<String, String> defaults = base();
    Map<String, String> typed = base();
    typed.put(SelectorConfig.INPUT_BUFFER_RECORDS, "800");
    typed.put(SelectorConfig.FETCH_MAX_WAIT_MS, "20");
    Map<String, String> raw = base();
    raw.put("kafka.buffered.records.per.partition", "300");

    // when
    Properties byDefault = new SelectorConfig(defaults).streamsProperties(null);
    Properties byTypedKeys = new SelectorConfig(typed).streamsProperties(null);
    Properties byKafkaKey = new SelectorConfig(raw).streamsProperties(null);

    // then
    assertThat(byDefault).containsEntry("buffered.records.per.partition", 5000)
        .containsEntry("main.consumer.fetch.max.wait.ms", 100);
    assertThat(byTypedKeys).containsEntry("buffered.records.per.partition", 800)
        .containsEntry("main.consumer.fetch.max.wait.ms", 20);
    assertThat(byKafkaKey.get("buffered.records.per.partition")).hasToString("300");
    assertThatThrownBy(() -> new SelectorConfig(Map.of("bootstrap.servers", "x:1", "schema.registry.url", "http://x",
        SelectorConfig.FETCH_MAX_WAIT_MS, "600"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining(SelectorConfig.FETCH_MAX_WAIT_MS);
  }

  @Test
  void shouldKeepScoresOnTheHeapAndNeverIdleForOtherInputsByDefault() {
    // given
    Map<String, String> onDisk = base();
    onDisk.put(SelectorConfig.SCORES_STORE, "rocksdb");
    Map<String, String> bad = base();
    bad.put(SelectorConfig.SCORES_STORE, "tmpfs");
    Map<String, String> idling = base();
    idling.put("kafka.max.task.idle.ms", "50");

    // when
    SelectorConfig byDefault = new SelectorConfig(base());

    // then
    assertThat(byDefault.scoresInMemory()).isTrue();
    assertThat(new SelectorConfig(onDisk).scoresInMemory()).isFalse();
    assertThat(byDefault.streamsProperties(null)).containsEntry("max.task.idle.ms", -1L);
    assertThat(new SelectorConfig(idling).streamsProperties(null).get("max.task.idle.ms")).hasToString("50");
    assertThatThrownBy(() -> new SelectorConfig(bad)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(SelectorConfig.SCORES_STORE);
  }

  @Test
  void shouldGiveThePlannerTheSameSettingsTheTopologyUses() {
    // given
    Map<String, String> m = base();
    m.putAll(Map.of("selector.budget", "50", "selector.pool.cap", "200", "selector.k", "4", "selector.seed", "3",
        "selector.entropy.mode", "reference", "selector.new.clusters", "false"));

    // when
    var settings = new SelectorConfig(m).stepSettings(2);

    // then
    assertThat(settings.trainingBudget()).isEqualTo(50);
    assertThat(settings.poolCap()).isEqualTo(200);
    assertThat(settings.kmeans().k()).isEqualTo(4);
    assertThat(settings.kmeans().maxK()).as("no new clusters").isEqualTo(4);
    assertThat(settings.entropyMode()).isEqualTo(ScorerChoice.Mode.REFERENCE);
    assertThat(settings.experimentSeed()).isEqualTo(3);
    assertThat(settings.step()).isEqualTo(2);
  }

  @Test
  void shouldDefaultToTheSmallBudgetFixesAndRestoreEachReferenceRuleByItsKey() {
    // given
    Map<String, String> reference = base();
    reference.putAll(Map.of(SelectorConfig.CCS_RULE, "reference", SelectorConfig.PRUNE_TIMING, "before-selection",
        SelectorConfig.PRUNE_RULE, "reference", SelectorConfig.NEW_CLUSTERS, "reference",
        SelectorConfig.PRUNE_DUPLICATE_COSINE, "0.9"));
    Map<String, String> off = base();
    off.put(SelectorConfig.NEW_CLUSTERS, "off");
    Map<String, String> legacy = base();
    legacy.put(SelectorConfig.NEW_CLUSTERS, "true");

    // when
    var byDefault = new SelectorConfig(base()).stepSettings(1);
    var restored = new SelectorConfig(reference).stepSettings(1);

    // then
    assertThat(byDefault.rules()).isEqualTo(ClusterSelector.Rules.defaults());
    assertThat(byDefault.kmeans().newClusters()).isEqualTo(KMeans.NewClusters.CALIBRATED);
    assertThat(byDefault.kmeans().maxK()).isEqualTo(2 * KMeans.DEFAULT_K);
    assertThat(restored.rules()).isEqualTo(new ClusterSelector.Rules(CcsSampler.Rule.REFERENCE,
        ClusterSelector.PruneTiming.BEFORE_SELECTION, SemDeDup.Rule.REFERENCE, 0.9));
    assertThat(restored.kmeans().newClusters()).isEqualTo(KMeans.NewClusters.REFERENCE);
    assertThat(new SelectorConfig(off).kmeans().newClusters()).isEqualTo(KMeans.NewClusters.OFF);
    assertThat(new SelectorConfig(legacy).kmeans().newClusters()).isEqualTo(KMeans.NewClusters.REFERENCE);
  }

  @Test
  void shouldRefuseUnknownRuleNames() {
    for (String key : List.of(SelectorConfig.CCS_RULE, SelectorConfig.PRUNE_TIMING, SelectorConfig.PRUNE_RULE,
        SelectorConfig.NEW_CLUSTERS)) {
      Map<String, String> m = base();
      m.put(key, "sometimes");
      assertThatThrownBy(() -> new SelectorConfig(m)).as(key).isInstanceOf(ConfigException.class)
          .hasMessageContaining(key);
    }
  }

  @Test
  void shouldRefuseAnUnknownPolicyNamingTheValidOnes() {
    Map<String, String> m = base();
    m.put("selector.policy", "greedy");
    assertThatThrownBy(() -> new SelectorConfig(m)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("adapt").hasMessageContaining("sequential");
  }

  @Test
  void shouldRefuseUnknownKeysAndBadEntropyModes() {
    Map<String, String> typo = base();
    typo.put("selector.budgt", "5");
    Map<String, String> mode = base();
    mode.put("selector.entropy.mode", "shannon");
    assertThatThrownBy(() -> new SelectorConfig(typo)).hasMessageContaining("selector.budgt");
    assertThatThrownBy(() -> new SelectorConfig(mode)).hasMessageContaining("STANDARDISED or REFERENCE");
  }
}
