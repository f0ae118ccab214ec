package io.adaptstream.selector;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorWrapper;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.WrappedFixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.WrappedProcessorSupplier;

/**
 * Kills a stream thread on demand, for the crash test: once {@link #crashAfter} is armed, the named processor
 * throws after that many more records, in the middle of a transaction. Installed through Kafka Streams'
 * {@code processor.wrapper.class} (as {@code kafka.processor.wrapper.class} in the selector's config).
 */
public final class CrashingProcessorWrapper implements ProcessorWrapper {

  private static final AtomicInteger COUNTDOWN = new AtomicInteger(-1);
  private static volatile String target = "";

  /** Arms the crash: the processor {@code name} fails on its {@code records}-th record from now. */
  static void crashAfter(String name, int records) {
    target = name;
    COUNTDOWN.set(records);
  }

  static void disarm() {
    COUNTDOWN.set(-1);
  }

  @Override
  public <KIn, VIn, KOut, VOut> WrappedProcessorSupplier<KIn, VIn, KOut, VOut> wrapProcessorSupplier(
      String processorName, ProcessorSupplier<KIn, VIn, KOut, VOut> supplier) {
    return ProcessorWrapper.asWrapped(new ProcessorSupplier<>() {
      @Override
      public Processor<KIn, VIn, KOut, VOut> get() {
        Processor<KIn, VIn, KOut, VOut> inner = supplier.get();
        return new Processor<>() {
          @Override
          public void init(ProcessorContext<KOut, VOut> context) {
            inner.init(context);
          }

          @Override
          public void process(Record<KIn, VIn> record) {
            inner.process(record);
            if (processorName.equals(target) && COUNTDOWN.get() > 0 && COUNTDOWN.decrementAndGet() == 0) {
              throw new IllegalStateException("injected crash in " + processorName);
            }
          }

          @Override
          public void close() {
            inner.close();
          }
        };
      }

      @Override
      public java.util.Set<org.apache.kafka.streams.state.StoreBuilder<?>> stores() {
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
