package io.adaptstream.selector.topology;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The heap scores mirror's two operations on the collector's and the assigner's paths, Kafka Streams' sorted heap
 * store (the baseline) against {@link HashBytesStore}, side by side in one JVM: puts of a step's scores (ids of a
 * new release each round, so the store grows as the mirror does before the assigner prunes it) and a walk of
 * everything. Wall time of the calling thread, best of the rounds after a warm-up; keys and values are built
 * before the clock starts.
 *
 * <p>Run after {@code mvn -pl selector-service test-compile dependency:build-classpath
 * -Dmdep.outputFile=/tmp/selector-cp.txt -Dmdep.includeScope=test}:
 * {@code java -cp selector-service/target/classes:selector-service/target/test-classes:$(cat /tmp/selector-cp.txt)
 * io.adaptstream.selector.topology.ScoresStoreBenchmark [scores per round] [rounds]}
 */
public final class ScoresStoreBenchmark {

  private static final int VALUE_BYTES = 771; // a score record of the throughput benchmark

  public static void main(String[] args) {
    int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    System.out.printf(Locale.ROOT, "%d puts per round, %d rounds, %d-byte values; best of 5 after a warm-up%n",
        perRound, rounds, VALUE_BYTES);
    Result tree = null;
    Result hash = null;
    for (int trial = 0; trial < 6; trial++) {
      Result t = run(Stores.inMemoryKeyValueStore("scores").get(), perRound, rounds);
      Result h = run(HashBytesStore.supplier("scores").get(), perRound, rounds);
      if (trial > 0) { // the first is the warm-up
        tree = tree == null ? t : tree.best(t);
        hash = hash == null ? h : hash.best(h);
      }
    }
    System.out.printf(Locale.ROOT, "| store | ns per put | walk of %d entries, ms |%n|---|---|---|%n",
        perRound * rounds);
    System.out.printf(Locale.ROOT, "| Kafka Streams heap store (sorted) | %.0f | %.1f |%n", tree.nsPerPut(),
        tree.walkMs());
    System.out.printf(Locale.ROOT, "| HashBytesStore | %.0f | %.1f |%n", hash.nsPerPut(), hash.walkMs());
    System.out.printf(Locale.ROOT, "hash / sorted time: put %.2f, walk %.2f%n", hash.nsPerPut() / tree.nsPerPut(),
        hash.walkMs() / tree.walkMs());
  }

  private record Result(double nsPerPut, double walkMs) {
    Result best(Result other) {
      return new Result(Math.min(nsPerPut, other.nsPerPut), Math.min(walkMs, other.walkMs));
    }
  }

  private static Result run(KeyValueStore<Bytes, byte[]> store, int perRound, int rounds) {
    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    byte[] value = new byte[VALUE_BYTES];
    Bytes[] keys = new Bytes[perRound];
    long putNs = 0;
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < perRound; i++) { // shuffled within the round, as partitions interleave
        String id = String.format(Locale.ROOT, "r%d-%08d", round, (int) ((i * 7919L) % perRound));
        keys[i] = Bytes.wrap(id.getBytes(StandardCharsets.UTF_8));
      }
      long start = System.nanoTime();
      for (Bytes key : keys) {
        store.put(key, value);
      }
      putNs += System.nanoTime() - start;
    }
    long start = System.nanoTime();
    long seen = 0;
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      while (it.hasNext()) {
        seen += it.next().value.length > 0 ? 1 : 0;
      }
    }
    long walkNs = System.nanoTime() - start;
    if (seen != (long) perRound * rounds) {
      throw new IllegalStateException("walked " + seen + " entries, expected " + (long) perRound * rounds);
    }
    store.close();
    return new Result((double) putNs / ((long) perRound * rounds), walkNs / 1e6);
  }
}
