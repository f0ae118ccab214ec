package io.adaptstream.cli.run;

import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.ingest.IngestConfig;
import io.adaptstream.model.LearnerConfig;
import io.adaptstream.runtime.config.ServiceConfig;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.scoring.ScoringConfig;
import io.adaptstream.selector.SelectorConfig;
import io.adaptstream.selector.algo.SelectionPolicy;
import io.adaptstream.trainer.TrainerConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Everything that decides a run's results apart from its ingest log: the run id, the selection method, the
 * experiment seed, deterministic mode, and overrides of the services' own keys (budget, pool cap, epochs...).
 *
 * <p>This is what {@code run.json} records and what a replay reuses under a new run id, so it holds no address:
 * {@link #service} combines it with a {@link Deployment} into each service's settings. The method, seed and mode are
 * fields rather than overrides because several services must agree on them (scoring and training share the
 * PyTorch engine mode, selector and trainer the seed).
 *
 * @param overrides service keys ({@code scoring.*}, {@code selector.*}, {@code trainer.*}, {@code ingest.*}), each
 *     checked against the service that defines it
 */
public record PipelineSettings(String runId, String method, long seed, boolean deterministic,
    Map<String, String> overrides) {

  /** Keys the other fields own; an override may not contradict them. */
  private static final Set<String> OWNED = Set.of(SelectorConfig.POLICY, SelectorConfig.SEED, TrainerConfig.SEED,
      TrainerConfig.DETERMINISTIC, ScoringConfig.DETERMINISTIC);

  /** Keys of the model both scoring and the trainer run ({@link LearnerConfig}). */
  private static final String MODEL_PREFIX = "model.";
  private static final List<String> SERVICES = List.of(ServiceLauncher.INGEST, ServiceLauncher.SCORING,
      ServiceLauncher.SELECTOR, ServiceLauncher.TRAINER);

  public PipelineSettings {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(method, "method");
    TopicCatalogue.of(TopicCatalogue.DEFAULT_PREFIX, runId, 1); // a legal run name, or a clear error
    method = SelectionPolicy.byName(method).name();
    overrides = checked(overrides == null ? Map.of() : overrides);
  }

  /** The settings of a fresh run with no overrides. */
  public static PipelineSettings of(String runId, String method, long seed, boolean deterministic) {
    return new PipelineSettings(runId, method, seed, deterministic, Map.of());
  }

  public PipelineSettings withRun(String otherRun) {
    return new PipelineSettings(otherRun, method, seed, deterministic, overrides);
  }

  public PipelineSettings withMethod(String otherMethod) {
    return new PipelineSettings(runId, otherMethod, seed, deterministic, overrides);
  }

  /** These settings with {@code more} overrides added (later ones win). */
  public PipelineSettings withOverrides(Map<String, String> more) {
    Map<String, String> m = new LinkedHashMap<>(overrides);
    m.putAll(more);
    return new PipelineSettings(runId, method, seed, deterministic, m);
  }

  /** An override, or the service's default for the key. */
  public String value(String key) {
    String v = overrides.get(key);
    if (v != null) {
      return v;
    }
    ConfigDef.ConfigKey k = definition(owners(key).get(0)).configKeys().get(key);
    return k == null || k.defaultValue == null ? null : ConfigDef.convertToString(k.defaultValue, k.type);
  }

  /**
   * The full settings of one service of this run on {@code deployment}: the common keys, the blob store where the
   * service has one, what this run decides (method, seed, mode), where its local state goes under
   * {@code workDir}, then the overrides of that service's keys.
   */
  public Map<String, String> service(String name, Deployment deployment, Path workDir) {
    Map<String, String> m = deployment.commonSettings(runId);
    switch (name) {
      case ServiceLauncher.INGEST -> {
        m.put(ServiceConfig.BLOB_STORE, deployment.requireBlobStore().toString());
        m.put(IngestConfig.INBOX_DIR, workDir.resolve("inbox").toAbsolutePath().toString());
      }
      case ServiceLauncher.SCORING -> {
        m.put(ServiceConfig.BLOB_STORE, deployment.requireBlobStore().toString());
        m.put(ScoringConfig.DETERMINISTIC, Boolean.toString(deterministic));
        // one worker per run here: a fixed id lets a restarted worker abort what a crashed one left open at once
        m.put(ScoringConfig.INSTANCE_ID, "worker-1");
      }
      case ServiceLauncher.SELECTOR -> {
        m.put(SelectorConfig.POLICY, method);
        m.put(SelectorConfig.SEED, Long.toString(seed));
        m.put(SelectorConfig.STATE_DIR, workDir.resolve("selector-state").toAbsolutePath().toString());
        m.put(SelectorConfig.HTTP_PORT, "0");
      }
      case ServiceLauncher.TRAINER -> {
        m.put(ServiceConfig.BLOB_STORE, deployment.requireBlobStore().toString());
        m.put(TrainerConfig.BASE, "pretrain");
        m.put(TrainerConfig.SEED, Long.toString(seed));
        m.put(TrainerConfig.DETERMINISTIC, Boolean.toString(deterministic));
      }
      default -> throw new IllegalArgumentException("unknown service '" + name + "'; known: " + SERVICES);
    }
    overrides.forEach((k, v) -> {
      if (owners(k).contains(name)) {
        m.put(k, v);
      }
    });
    return m;
  }

  /**
   * The services whose keys start like {@code key} ({@code selector.budget} belongs to the selector); the model's
   * {@code model.*} keys belong to both services that run the model, scoring and the trainer, which must agree.
   */
  static List<String> owners(String key) {
    if (key.startsWith(MODEL_PREFIX)) {
      return List.of(ServiceLauncher.SCORING, ServiceLauncher.TRAINER);
    }
    int dot = key.indexOf('.');
    String service = dot < 0 ? "" : key.substring(0, dot);
    if (!SERVICES.contains(service)) {
      throw new ConfigException(key, null, "not a pipeline service key: use a key of "
          + String.join(", ", SERVICES) + " or " + MODEL_PREFIX + "* (e.g. selector.budget, trainer.epochs, "
          + LearnerConfig.KIND + ")");
    }
    return List.of(service);
  }

  private static ConfigDef definition(String service) {
    return ServiceLauncher.defaults().find(service).orElseThrow().definition();
  }

  private static Map<String, String> checked(Map<String, String> overrides) {
    Map<String, String> out = new TreeMap<>();
    overrides.forEach((k, v) -> {
      String key = k.trim().toLowerCase(Locale.ROOT);
      if (OWNED.contains(key)) {
        throw new ConfigException(key, v, "is set by the run itself (method, seed, --fast), not as an override");
      }
      String owner = owners(key).get(0);
      ConfigDef def = definition(owner);
      ConfigDef.ConfigKey ck = def.configKeys().get(key);
      if (ck == null || key.equals(ServiceConfig.RUN_ID)) {
        throw new ConfigException(key, v, "unknown key of service '" + owner + "'");
      }
      // type and validator, as the service will check it
      Object parsed = ConfigDef.parseType(key, v.trim(), ck.type);
      if (ck.validator != null) {
        ck.validator.ensureValid(key, parsed);
      }
      // a module or tokenizer path is read by services that may run elsewhere than here: make it absolute
      boolean file = key.equals(LearnerConfig.PATH)
          || key.equals(LearnerConfig.TOKENIZER) && !v.trim().equals(LearnerConfig.BYTE_TOKENIZER);
      String value = file ? Path.of(v.trim()).toAbsolutePath().normalize().toString() : v.trim();
      out.put(key, value);
    });
    return out;
  }
}
