package io.adaptstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.avro.ScoresEvent;
import java.util.HashSet;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicCatalogueTest {

  @Test
  void shouldUseTheBriefsNamesForTheDefaultRun() {
    TopicCatalogue c = TopicCatalogue.defaults();

    assertThat(c.all()).extracting(Topic::name).containsExactly("adapt.ingest", "adapt.releases", "adapt.dlq",
        "adapt.score-requests", "adapt.scores", "adapt.selections", "adapt.models", "adapt.evals",
        "adapt.selector.pool-control", "adapt.selector.coordination", "adapt.selector.reservoir",
        "adapt.selector.centroids", "adapt.selector.by-cluster", "adapt.selector.provenance");
    assertThat(c.scores.valueType()).isEqualTo(ScoresEvent.class);
    assertThat(c.ingest.partitions()).isEqualTo(3);
    assertThat(c.releases.partitions()).isEqualTo(1);
  }

  @Test
  void shouldShareIngestButSeparateDerivedTopicsAcrossRuns() {
    TopicCatalogue live = TopicCatalogue.defaults();
    TopicCatalogue replay = live.withRun("r2");

    assertThat(replay.ingest.name()).isEqualTo(live.ingest.name());
    assertThat(replay.dlq.name()).isEqualTo(live.dlq.name());
    assertThat(replay.scores.name()).isEqualTo("adapt.r2.scores");
    assertThat(replay.runScopedName("selector")).isEqualTo("adapt.r2.selector");
    List<String> names = replay.runTopics().stream().map(Topic::name).toList();
    assertThat(new HashSet<>(names)).doesNotContainAnyElementsOf(live.runTopics().stream().map(Topic::name).toList());
  }

  @Test
  void shouldGiveTheSelectorsInternalTopicsRunScopedNamesAndTheirPartitionCounts() {
    TopicCatalogue c = TopicCatalogue.of("adapt", "r2", 4);

    assertThat(c.selectorTopics()).extracting(Topic::name).containsExactly("adapt.r2.selector.pool-control",
        "adapt.r2.selector.coordination", "adapt.r2.selector.reservoir", "adapt.r2.selector.centroids",
        "adapt.r2.selector.by-cluster");
    assertThat(c.selectorTopics()).extracting(Topic::partitions).containsExactly(4, 1, 1, 4, 4);
    assertThat(c.runTopics()).containsAll(c.selectorTopics());
    assertThat(c.all()).containsAll(c.runTopics());
  }

  @Test
  void shouldCompactTablesAndKeepTheIngestLogForever() {
    TopicCatalogue c = TopicCatalogue.defaults();
    NewTopic releases = c.releases.newTopic((short) 1);
    NewTopic ingest = c.ingest.newTopic((short) 1);

    assertThat(releases.configs()).containsEntry("cleanup.policy", "compact");
    assertThat(ingest.configs()).containsEntry("retention.ms", "-1").containsEntry("cleanup.policy", "delete");
  }

  @Test
  void shouldKeepTheSelectorsProvenancePerRunCompactedWhenTheRunIsNamed() {
    TopicCatalogue c = TopicCatalogue.of("adapt", "r2", 4);

    NewTopic provenance = c.provenance.newTopic((short) 1);

    assertThat(c.provenance.name()).isEqualTo("adapt.r2.selector.provenance");
    assertThat(c.provenance.partitions()).isEqualTo(4);
    assertThat(provenance.configs()).containsEntry("cleanup.policy", "compact").containsEntry("retention.ms", "-1");
    assertThat(c.runTopics()).contains(c.provenance);
    assertThat(c.selectorTopics()).doesNotContain(c.provenance);
  }

  @Test
  void shouldRefuseNamesKafkaOrOurNamingCannotHold() {
    assertThatThrownBy(() -> TopicCatalogue.of("adapt", "my run", 3)).hasMessageContaining("run must be");
    assertThatThrownBy(() -> TopicCatalogue.of("a.b", "default", 3)).hasMessageContaining("prefix must be");
    assertThatThrownBy(() -> TopicCatalogue.of("adapt", "default", 0)).hasMessageContaining("partitions");
  }
}
