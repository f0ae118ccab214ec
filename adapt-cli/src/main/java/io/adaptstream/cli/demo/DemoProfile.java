package io.adaptstream.cli.demo;

import io.adaptstream.benchmark.Size;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The demo's operational settings per benchmark size: training budget, pool cap, epochs and evaluation batch,
 * chosen so the QUICK demo finishes in about 5 minutes and the FULL one in about 20 on two CPU cores. They are
 * overrides of the services' own keys, recorded in {@code run.json} and reused by a replay; the benchmark itself
 * is never changed.
 */
public final class DemoProfile {

  private DemoProfile() {}

  /** The overrides for {@code size}. */
  public static Map<String, String> overrides(Size size) {
    Map<String, String> m = new LinkedHashMap<>();
    // small batches: more Adam steps from the few samples a step trains on (docs/benchmarks.md)
    m.put("trainer.batch.size", "8");
    // greedy decoding runs each batch until its longest answer ends: small batches waste less (210 QUICK test
    // samples: 16 s at 8, 30 s at 32, 49 s at 64 on two busy cores)
    m.put("trainer.eval.batch.size", "8");
    if (size == Size.QUICK) {
      m.put("selector.budget", "120");
      m.put("selector.pool.cap", "400");
      m.put("trainer.epochs", "8");
      m.put("trainer.pretrain.epochs", "8");
    } else {
      m.put("selector.budget", "400");
      m.put("selector.pool.cap", "1500");
      m.put("trainer.epochs", "8");
      m.put("trainer.pretrain.epochs", "8");
    }
    return m;
  }
}
