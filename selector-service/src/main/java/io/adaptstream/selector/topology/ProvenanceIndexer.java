package io.adaptstream.selector.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the provenance topic as the {@link SelectorTopology#PROVENANCE_STORE} store, record bytes as they are,
 * so interactive queries can answer "what happened to sample s at step t" without a changelog: the topic, written
 * by the cluster selectors in their step transactions, is the store's only copy (KIP-813 read-only store, restored
 * from the topic up to the committed offset). Undecodable values are kept as they are; a query reports them.
 */
final class ProvenanceIndexer implements Processor<String, byte[], Void, Void> {

  private KeyValueStore<String, byte[]> store;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(SelectorTopology.PROVENANCE_STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() != null) { // a restore skips null keys too
      store.put(record.key(), record.value());
    }
  }
}
