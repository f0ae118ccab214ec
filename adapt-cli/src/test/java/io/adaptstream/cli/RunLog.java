package io.adaptstream.cli;

import io.adaptstream.avro.ModelVersion;
import io.adaptstream.avro.SampleScores;
import io.adaptstream.avro.Selection;
import io.adaptstream.avro.ScoresEvent;
import io.adaptstream.avro.SelectionEvent;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.serde.AvroSerdes;
import io.adaptstream.testing.KafkaTestEnv;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What a run wrote to its topics, read back under read_committed: every record, duplicates included. */
final class RunLog {

  private static final Duration READ = Duration.ofSeconds(30);

  private RunLog() {}

  /** Selected sample ids per step, in log order (a sample twice in a step would appear twice). */
  static Map<Integer, List<String>> selections(KafkaTestEnv kafka, TopicCatalogue run) {
    return selections(kafka.bootstrapServers(), kafka.serdes(), run);
  }

  /** As {@link #selections(KafkaTestEnv, TopicCatalogue)}, from any broker. */
  static Map<Integer, List<String>> selections(String bootstrap, AvroSerdes serdes, TopicCatalogue run) {
    Map<Integer, List<String>> m = new TreeMap<>();
    for (ConsumerRecord<String, SelectionEvent> r : KafkaTestEnv.readAll(bootstrap, serdes, run.selections, READ)) {
      if (r.value().getPayload() instanceof Selection s) {
        m.computeIfAbsent(s.getStep(), k -> new ArrayList<>()).add(s.getSampleId());
      }
    }
    return m;
  }

  /** Scores per step and sample id: how many times each was written. */
  static Map<String, Integer> scoreCounts(KafkaTestEnv kafka, TopicCatalogue run) {
    return scoreCounts(kafka.bootstrapServers(), kafka.serdes(), run);
  }

  /** As {@link #scoreCounts(KafkaTestEnv, TopicCatalogue)}, from any broker. */
  static Map<String, Integer> scoreCounts(String bootstrap, AvroSerdes serdes, TopicCatalogue run) {
    Map<String, Integer> m = new TreeMap<>();
    for (ConsumerRecord<String, ScoresEvent> r : KafkaTestEnv.readAll(bootstrap, serdes, run.scores, READ)) {
      if (r.value().getPayload() instanceof SampleScores s) {
        m.merge(s.getStep() + "/" + s.getSampleId(), 1, Integer::sum);
      }
    }
    return m;
  }

  /** Every model version record, in log order. */
  static List<ModelVersion> models(KafkaTestEnv kafka, TopicCatalogue run) {
    return models(kafka.bootstrapServers(), kafka.serdes(), run);
  }

  /** As {@link #models(KafkaTestEnv, TopicCatalogue)}, from any broker. */
  static List<ModelVersion> models(String bootstrap, AvroSerdes serdes, TopicCatalogue run) {
    return KafkaTestEnv.readAll(bootstrap, serdes, run.models, READ).stream().map(ConsumerRecord::value).toList();
  }

  /** The ids of each step, sorted (for comparing runs). */
  static Map<Integer, List<String>> sorted(Map<Integer, List<String>> selections) {
    Map<Integer, List<String>> m = new TreeMap<>();
    selections.forEach((k, v) -> m.put(k, v.stream().sorted().toList()));
    return m;
  }
}
