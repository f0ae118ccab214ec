package io.adaptstream.selector;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorWrapper;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.WrappedFixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.WrappedProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Measures, for the throughput benchmark, the CPU the stream threads spend while one input topic's records flow
 * through one processor: per thread, its CPU time from the first such record to the last (everything the thread
 * did meanwhile: polling, the framework, commits, other tasks), and the part spent inside the processor's
 * {@code process} (stores included). Installed through Kafka Streams' {@code processor.wrapper.class}.
 */
public final class CpuProbeWrapper implements ProcessorWrapper {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static volatile String target = "";
  private static volatile String topicSuffix = "";
  private static final Map<Thread, long[]> SPANS = new ConcurrentHashMap<>();
  private static final AtomicLong INSIDE_NS = new AtomicLong();
  private static final AtomicLong RECORDS = new AtomicLong();

  /** Starts measuring the named processor on records of topics named {@code *suffix}, forgetting the last. */
  static void watch(String processorName, String suffix) {
    SPANS.clear();
    INSIDE_NS.set(0);
    RECORDS.set(0);
    topicSuffix = suffix;
    target = processorName;
  }

  /** Stream threads' CPU from the first to the last record, summed over threads, in ns. */
  static long spanNs() {
    return SPANS.values().stream().mapToLong(s -> s[1] - s[0]).sum();
  }

  /** CPU inside the processor, in ns. */
  static long insideNs() {
    return INSIDE_NS.get();
  }

  static long records() {
    return RECORDS.get();
  }

  @Override
  public <KIn, VIn, KOut, VOut> WrappedProcessorSupplier<KIn, VIn, KOut, VOut> wrapProcessorSupplier(
      String processorName, ProcessorSupplier<KIn, VIn, KOut, VOut> supplier) {
    return ProcessorWrapper.asWrapped(new ProcessorSupplier<>() {
      @Override
      public Processor<KIn, VIn, KOut, VOut> get() {
        Processor<KIn, VIn, KOut, VOut> inner = supplier.get();
        return new Processor<>() {
          private ProcessorContext<KOut, VOut> context;

          @Override
          public void init(ProcessorContext<KOut, VOut> context) {
            this.context = context;
            inner.init(context);
          }

          @Override
          public void process(Record<KIn, VIn> record) {
            if (!processorName.equals(target)
                || !context.recordMetadata().map(m -> m.topic().endsWith(topicSuffix)).orElse(false)) {
              inner.process(record);
              return;
            }
            long before = THREADS.getCurrentThreadCpuTime();
            inner.process(record);
            long after = THREADS.getCurrentThreadCpuTime();
            INSIDE_NS.addAndGet(after - before);
            RECORDS.incrementAndGet();
            SPANS.computeIfAbsent(Thread.currentThread(), t -> new long[] {before, after})[1] = after;
          }

          @Override
          public void close() {
            inner.close();
          }
        };
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        return supplier.stores();
      }
    });
  }

  @Override
  public <KIn, VIn, VOut> WrappedFixedKeyProcessorSupplier<KIn, VIn, VOut> wrapFixedKeyProcessorSupplier(
      String processorName, FixedKeyProcessorSupplier<KIn, VIn, VOut> supplier) {
    return ProcessorWrapper.asWrappedFixedKey(supplier);
  }
}
