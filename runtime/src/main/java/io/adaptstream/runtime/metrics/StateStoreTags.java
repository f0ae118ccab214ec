package io.adaptstream.runtime.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives Kafka Streams' state-store meters one set of tag keys. Streams names a store's id tag after the store's
 * type ({@code rocksdb-state-id}, {@code in-memory-hash-state-id}, ...), so one metric name (say the oldest open
 * iterator's age) arrives with different tag keys from a service's RocksDB and in-memory stores; Prometheus wants
 * one set of keys per name and Micrometer drops the later meters with a warning. This filter rewrites
 * {@code <type>.state.id=<store>} as {@code state.id=<store>} plus {@code store.type=<type>}, so every store is
 * exported. Micrometer's own filters rename values and keys one at a time, not a key into a key and a value.
 */
final class StateStoreTags implements MeterFilter {

  static final String STATE_ID = "state.id";
  static final String STORE_TYPE = "store.type";
  private static final String SUFFIX = "." + STATE_ID;

  @Override
  public Meter.Id map(Meter.Id id) {
    List<Tag> tags = id.getTags();
    Tag store = null;
    for (Tag t : tags) {
      if (t.getKey().endsWith(SUFFIX) && t.getKey().length() > SUFFIX.length()) {
        store = t;
        break;
      }
    }
    if (store == null) {
      return id;
    }
    List<Tag> out = new ArrayList<>(tags.size() + 1);
    for (Tag t : tags) {
      if (t != store) {
        out.add(t);
      }
    }
    out.add(Tag.of(STATE_ID, store.getValue()));
    out.add(Tag.of(STORE_TYPE, store.getKey().substring(0, store.getKey().length() - SUFFIX.length())));
    return id.replaceTags(out);
  }
}
